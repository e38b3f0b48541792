package token

import (
	"errors"
	"testing"
	"time"

	"github.com/sluicestream/sluice/internal/controller/service"
	"github.com/sluicestream/sluice/internal/segmentstore/server"
)

var _ service.Tokens = ControllerTokens{}

func TestAdapters(t *testing.T) {
	ct := ControllerTokens{Signer: &Signer{Key: testKey, TTL: time.Minute, Now: clock(t0)}}
	read, err := ct.Issue("s", "t", false)
	if err != nil {
		t.Fatal(err)
	}
	write, err := ct.Issue("s", "t", true)
	if err != nil {
		t.Fatal(err)
	}
	ssv := SegmentStoreVerifier{Verifier: &Verifier{Key: testKey, Now: clock(t0)}}
	late := SegmentStoreVerifier{Verifier: &Verifier{Key: testKey, Now: clock(t0.Add(time.Hour))}}
	tests := []struct {
		name  string
		v     server.TokenVerifier
		token string
		need  server.Access
		want  error
	}{
		{"read ok", ssv, read, server.AccessRead, nil},
		{"read cannot append", ssv, read, server.AccessReadUpdate, server.ErrTokenInvalid},
		{"write ok", ssv, write, server.AccessReadUpdate, nil},
		{"unknown access needs most", ssv, read, server.Access(9), server.ErrTokenInvalid},
		{"expired", late, write, server.AccessRead, server.ErrTokenExpired},
		{"garbage", ssv, "x", server.AccessRead, server.ErrTokenInvalid},
		{"nil verifier", SegmentStoreVerifier{}, write, server.AccessRead, server.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(tt.token, "s/t/0.#epoch.0", tt.need)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if err := late.Verify(write, "s/t/0", server.AccessRead); errors.Is(err, server.ErrTokenInvalid) {
		t.Fatal("expired token also reported invalid")
	}
	if _, err := (ControllerTokens{}).Issue("s", "t", true); !errors.Is(err, ErrNoKey) {
		t.Fatalf("nil signer: %v", err)
	}
}
