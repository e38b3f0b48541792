package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// natsVersion is the nats-server the harness installs (the version the
// reference recipes verified).
const natsVersion = "v2.15.2"

// installNATS installs nats-server with `go install` through the module
// proxy into ~/.cache/sluice-bench/nats-<version>, once.
func installNATS() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(home, ".cache", "sluice-bench", "nats-"+natsVersion)
	bin := filepath.Join(dir, "nats-server")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", "github.com/nats-io/nats-server/v2@"+natsVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-buildvcs=false")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install nats-server %s: %w", natsVersion, err)
	}
	return bin, nil
}
