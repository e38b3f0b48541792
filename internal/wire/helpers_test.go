package wire

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// isMalformed reports whether err is a *FrameError wrapping ErrMalformed.
func isMalformed(err error) bool {
	var fe *FrameError
	return errors.As(err, &fe) && errors.Is(err, ErrMalformed)
}

// unhex decodes hex written with spaces, newlines and "#" comments.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	var clean strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(clean.String())
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
