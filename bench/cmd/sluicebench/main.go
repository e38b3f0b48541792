// Command sluicebench runs the benchmark suite of bench/README.md against
// Sluice and its peers on this machine, one system after the other, and
// writes results.json, results.md and latency plots into the output folder.
//
//	sluicebench -w W1,W2 -systems sluice,nats,pravega -out bench/results/2026-01-01
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "sluicebench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sluicebench:", err)
		os.Exit(1)
	}
}
