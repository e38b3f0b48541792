package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	testKey = []byte("secret")
	t0      = time.Unix(1_700_000_000, 0)
)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

// payloadOf decodes the payload part the way the clients do: standard
// base64 after re-padding.
func payloadOf(t *testing.T, tok string) []byte {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", tok, len(parts))
	}
	p := parts[1]
	if r := len(p) % 4; r != 0 {
		p += strings.Repeat("=", 4-r)
	}
	b, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		t.Fatalf("standard decoder rejects payload %q: %v", parts[1], err)
	}
	return b
}

func TestIssueFormat(t *testing.T) {
	s := Signer{Key: testKey, TTL: 90 * time.Second, Now: clock(t0)}
	tok, err := s.Issue(Resource("sc", "st"), ReadUpdate)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(hdr) != `{"alg":"HS512"}` {
		t.Fatalf("header %q, %v", hdr, err)
	}
	body := payloadOf(t, tok)
	var c map[string]any
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"sub": "segmentstoreresource", "aud": "segmentstore",
		"iat": float64(t0.Unix()), "exp": float64(t0.Unix() + 90),
		"prn::/scope:sc/stream:st": "READ_UPDATE",
	}
	if len(c) != len(want) {
		t.Fatalf("claims %v, want %v", c, want)
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %q = %v, want %v", k, c[k], v)
		}
	}
	// The clients' exp regex.
	if m := regexp.MustCompile(`"exp":\s?(\d+)`).FindSubmatch(body); m == nil || string(m[1]) != "1700000090" {
		t.Errorf("exp regex on %s: %q", body, m)
	}
	if strings.ContainsAny(tok, "=+/") {
		t.Errorf("token %q is not unpadded base64url", tok)
	}
}

func TestIssueDefaultsAndInternal(t *testing.T) {
	s := Signer{Key: testKey, Now: clock(t0)}
	tok, err := s.Issue(Resource("a", "b"), Read)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Exp int64 }
	if err := json.Unmarshal(payloadOf(t, tok), &c); err != nil || c.Exp != t0.Unix()+600 {
		t.Fatalf("default TTL: exp %d, %v", c.Exp, err)
	}
	in, err := s.IssueInternal()
	if err != nil {
		t.Fatal(err)
	}
	var ic map[string]any
	if err := json.Unmarshal(payloadOf(t, in), &ic); err != nil {
		t.Fatal(err)
	}
	if ic["*"] != "READ_UPDATE" || ic["exp"].(float64) < float64(t0.Add(50*365*24*time.Hour).Unix()) {
		t.Fatalf("internal claims %v", ic)
	}
	v := Verifier{Key: testKey, Now: clock(t0.Add(10 * 365 * 24 * time.Hour))}
	if err := v.Verify(in, "_system/_tables/scopes", ReadUpdate); err != nil {
		t.Fatalf("internal token: %v", err)
	}
}

func TestIssueErrors(t *testing.T) {
	tests := []struct {
		name     string
		s        Signer
		resource string
		perm     Permission
		want     error
	}{
		{"no key", Signer{}, "r", Read, ErrNoKey},
		{"none", Signer{Key: testKey}, "r", None, ErrBadPermission},
		{"bogus perm", Signer{Key: testKey}, "r", Permission(7), ErrBadPermission},
		{"exp claim", Signer{Key: testKey}, "exp", Read, ErrReservedClaim},
		{"sub claim", Signer{Key: testKey}, "sub", Read, ErrReservedClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.s.Issue(tt.resource, tt.perm); !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := (Signer{Key: testKey}).Issue("", Read); err == nil {
		t.Fatal("empty resource accepted")
	}
}

// TestStandardBase64Safe checks the property the clients rely on: every
// payload decodes with a standard base64 decoder and round-trips, for
// resource names full of the characters that would break it.
func TestStandardBase64Safe(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	alphabet := []rune("ab-._/:>?~\x7f\"\\\x00\n é€𝄞\xff")
	for i := range 3000 {
		n := rng.IntN(40) + 1
		var sb strings.Builder
		for range n {
			sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		name := sb.String()
		switch i % 3 {
		case 1:
			// Random code points from every plane.
			rs := make([]rune, n)
			for j := range rs {
				rs[j] = rng.Int32N(utf8.MaxRune + 1)
			}
			name = string(rs) // surrogates become U+FFFD
		case 2:
			// Random bytes, often invalid UTF-8.
			b := make([]byte, n)
			for j := range b {
				b[j] = byte(rng.IntN(256))
			}
			name = string(b)
		}
		s := Signer{Key: testKey, Now: clock(t0.Add(time.Duration(rng.IntN(1e6)) * time.Second))}
		res := Resource(name, name+"x")
		tok, err := s.Issue(res, ReadUpdate)
		if !utf8.ValidString(res) {
			if !errors.Is(err, ErrBadResource) {
				t.Fatalf("Issue(%q): %v, want ErrBadResource", res, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Issue(%q): %v", res, err)
		}
		body := payloadOf(t, tok)
		var c map[string]any
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatalf("payload %q: %v", body, err)
		}
		if c[res] != "READ_UPDATE" {
			t.Fatalf("resource %q lost in payload %s", res, body)
		}
	}
}

func TestAppendStringEscapes(t *testing.T) {
	got := string(appendString(nil, "a>?~\x7f\"\\\né𝄞"))
	want := `"a\u003e\u003f\u007e\u007f\"\\\u000a\u00e9\ud834\udd1e"`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
