package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/sluicestream/sluice"

// serverPrefixes are package trees that hold server-side code.
var serverPrefixes = []string{
	module + "/internal/segmentstore",
	module + "/internal/controller",
	module + "/internal/metastore",
	module + "/internal/rest",
	module + "/internal/cli",
	module + "/cmd/",
}

// clientSide are package patterns that must stay free of server code.
var clientSide = []string{module + "/client/...", module + "/internal/wire/..."}

func TestClientAndWireDoNotImportServerPackages(t *testing.T) {
	for _, pattern := range clientSide {
		out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Deps", pattern).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pattern, err)
		}
		dec := json.NewDecoder(strings.NewReader(string(out)))
		for dec.More() {
			var pkg struct {
				ImportPath string
				Deps       []string
			}
			if err := dec.Decode(&pkg); err != nil {
				t.Fatalf("decode go list output: %v", err)
			}
			for _, dep := range pkg.Deps {
				for _, bad := range serverPrefixes {
					if strings.HasPrefix(dep, bad) {
						t.Errorf("%s depends on server package %s", pkg.ImportPath, dep)
					}
				}
			}
		}
	}
}
