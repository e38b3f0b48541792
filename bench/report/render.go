package report

import (
	"os"
	"path/filepath"
)

// WriteAll writes results.md and the plots for r into dir (results.json is
// written by the caller as the run goes).
func WriteAll(dir string, r *Run) error {
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		return err
	}
	plots, err := Plots(filepath.Join(dir, "plots"), r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(Markdown(r, plots)), 0o644)
}
