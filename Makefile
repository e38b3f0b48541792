# Sluice build, run and test entry points. `make run` and `make test` are the
# two commands the README promises; both install what they need themselves.

GO        ?= go
BIN       := bin/sluice
TOOLS     := $(CURDIR)/.tools/bin
GOLANGCI  := $(TOOLS)/golangci-lint
GOLANGCI_VERSION := v2.6.2
DATA      ?= ./data
FUZZTIME  ?= 10s
# Fuzz targets run briefly by `make test`: package:FuzzName pairs.

.PHONY: all build run test unit fuzz-short lint bench tools clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/sluice

run: build
	$(BIN) standalone --data-dir $(DATA)

## test: everything the project tests. CI runs exactly this.
test: unit fuzz-short

unit:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

fuzz-short:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' internal client 2>/dev/null); do \
		dir=$$(dirname $$f); \
		for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
			echo "fuzz $$dir $$t ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done

lint: $(GOLANGCI)
	$(GOLANGCI) run ./...

$(GOLANGCI):
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin .tools
