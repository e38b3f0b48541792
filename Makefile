# Sluice build, run and test entry points. `make run` and `make test` are the
# two commands the README promises; both install what they need themselves.

GO        ?= go
BIN       := bin/sluice
TOOLS     := $(CURDIR)/.tools/bin
GOLANGCI  := $(TOOLS)/golangci-lint
GOLANGCI_VERSION := v2.6.2
# S3 server for the LTS s3 backend tests (internal/segmentstore/lts/s3).
VERSITYGW := $(TOOLS)/versitygw
VERSITYGW_VERSION := v1.8.0
DATA      ?= ./data
FUZZTIME  ?= 10s
# Fuzz targets run briefly by `make test`: package:FuzzName pairs.

.PHONY: all build run test unit fuzz-short lint bench bench-suite tools clean proto proto-check proto-tools interop interop-pravega tools-versitygw

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/sluice

run: build
	$(BIN) standalone --data-dir $(DATA)

## test: everything the project tests. CI runs exactly this.
test: unit fuzz-short

unit: proto-check tools-versitygw
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

## tools-versitygw: the S3 gateway the LTS s3 tests start (they fail under CI=true without it).
tools-versitygw: $(VERSITYGW)

$(VERSITYGW):
	GOBIN=$(TOOLS) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

## proto: regenerate the controller gRPC code from api/controller/*.proto.
## proto-check: fail when the committed generated code is stale.
# Pinned code generators. protoc comes from Debian (bookworm ships 3.21.12); its
# version is written into the generated files, so a different protoc is refused
# rather than silently producing a diff. PROTOC_GEN_GO_VERSION must equal the
# google.golang.org/protobuf version in go.mod (checked below).
PROTOC_VERSION             := 3.21.12
PROTOC_GEN_GO_VERSION      := v1.36.11
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
PROTO_DIR     := api/controller
PROTO_FILES   := controller.proto
PROTO_OUTPUTS := controller.pb.go controller_grpc.pb.go
PROTOC_GEN_GO      := $(TOOLS)/protoc-gen-go-$(PROTOC_GEN_GO_VERSION)/protoc-gen-go
PROTOC_GEN_GO_GRPC := $(TOOLS)/protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION)/protoc-gen-go-grpc

# gen_proto(outdir): run protoc with the pinned plugins, writing into outdir.
define gen_proto
	protoc -I $(PROTO_DIR) \
		--plugin=protoc-gen-go=$(PROTOC_GEN_GO) --plugin=protoc-gen-go-grpc=$(PROTOC_GEN_GO_GRPC) \
		--go_out=$(1) --go_opt=paths=source_relative \
		--go-grpc_out=$(1) --go-grpc_opt=paths=source_relative \
		$(PROTO_FILES)
endef

proto: proto-tools
	$(call gen_proto,$(PROTO_DIR))

proto-check: proto-tools
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(call gen_proto,$$tmp); \
	stale=0; for f in $(PROTO_OUTPUTS); do \
		if ! diff -u "$(PROTO_DIR)/$$f" "$$tmp/$$f"; then stale=1; fi; \
	done; \
	if [ $$stale -ne 0 ]; then \
		echo "proto-check: generated code in $(PROTO_DIR) is stale or edited by hand; run 'make proto' and commit the result" >&2; \
		exit 1; \
	fi; \
	echo "proto-check: $(PROTO_DIR) generated code is up to date"

proto-tools: $(PROTOC_GEN_GO) $(PROTOC_GEN_GO_GRPC)
	@if ! command -v protoc >/dev/null 2>&1; then \
		echo "protoc not found; installing Debian's protobuf-compiler"; \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get install -y -q protobuf-compiler || \
			{ $$sudo apt-get update -q && $$sudo apt-get install -y -q protobuf-compiler; }; \
	fi
	@v=$$(protoc --version); if [ "$$v" != "libprotoc $(PROTOC_VERSION)" ]; then \
		echo "need protoc $(PROTOC_VERSION) (Debian bookworm's protobuf-compiler), found '$$v'" >&2; exit 1; \
	fi
	@v=$$($(GO) list -m -f '{{.Version}}' google.golang.org/protobuf); if [ "$$v" != "$(PROTOC_GEN_GO_VERSION)" ]; then \
		echo "PROTOC_GEN_GO_VERSION ($(PROTOC_GEN_GO_VERSION)) must equal google.golang.org/protobuf in go.mod ($$v)" >&2; exit 1; \
	fi

$(PROTOC_GEN_GO):
	GOBIN=$(dir $@) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

$(PROTOC_GEN_GO_GRPC):
	GOBIN=$(dir $@) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

## bench: the Go micro-benchmarks (go test -bench); with W=<workloads> it runs the harness instead (bench-suite).
bench:
ifeq ($(W),)
	$(GO) test -run '^$$' -bench . -benchmem ./...
else
	$(MAKE) bench-suite W=$(W)
endif

## bench-suite: the benchmark harness (bench/README.md): Sluice and its peers side by side on this machine,
## with the physical limits measured in the same run. Not part of `make test`.
##   make bench-suite                          every workload on $(BENCH_SYSTEMS)
##   make bench W=W1                           one workload (or W=W1,W5)
##   make bench-suite BENCH_OUT=bench/results/$$(date +%F) BENCH_ARGS='-duration 10s'
BENCH_SYSTEMS ?= sluice,nats,nats-sync-always,pravega
BENCH_OUT     ?= bench/runs/$(shell date -u +%Y-%m-%dT%H%M%SZ)
BENCH_ARGS    ?=
bench-suite: build
	$(GO) run ./bench/cmd/sluicebench -w $(or $(W),all) -systems $(BENCH_SYSTEMS) -sluice-bin $(BIN) \
		-out $(BENCH_OUT) $(BENCH_ARGS)

## interop: the real Pravega clients (Python pravega 0.3.8, Java pravega-client 0.13.0) against a fresh
## `sluice standalone`; fails instead of skipping when something is missing. `make test` runs the same test
## (skipping while the standalone command does not exist). See test/interop/README.md.
## interop-pravega: the same suites against REAL Pravega 0.13 standalone, to validate the suites themselves.
interop:
	SLUICE_INTEROP_REQUIRED=1 $(GO) test -count=1 -v -timeout 30m ./test/interop

interop-pravega:
	test/interop/reference/run.sh
	SLUICE_INTEROP_EXTERNAL=tcp://127.0.0.1:9090 SLUICE_INTEROP_REQUIRED=1 $(GO) test -count=1 -v -timeout 30m ./test/interop; \
		rc=$$?; test/interop/reference/stop.sh; exit $$rc

clean:
	rm -rf bin .tools
