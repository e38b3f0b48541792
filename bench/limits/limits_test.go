package limits

import (
	"testing"
	"time"
)

func TestLoopback(t *testing.T) {
	mb, err := Loopback(t.Context(), 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if mb <= 0 {
		t.Fatalf("loopback %.1f MB/s", mb)
	}
}
