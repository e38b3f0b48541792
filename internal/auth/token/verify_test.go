package token

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func issue(t *testing.T, resource string, perm Permission) string {
	t.Helper()
	tok, err := Signer{Key: testKey, TTL: time.Minute, Now: clock(t0)}.Issue(resource, perm)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	v := Verifier{Key: testKey, Now: clock(t0.Add(30 * time.Second))}
	tests := []struct {
		name     string
		resource string
		perm     Permission
		segment  string
		need     Permission
		want     error
	}{
		{"equal", Resource("s", "t"), Read, "s/t", Read, nil},
		{"segment of stream", Resource("s", "t"), Read, "s/t/0.#epoch.0", Read, nil},
		{"txn segment", Resource("s", "t"), ReadUpdate, "s/t/1.#epoch.2#transaction.00000000000000010000000000000002", ReadUpdate, nil},
		{"stream prefix is not a match", Resource("s", "t"), ReadUpdate, "s/tt/0.#epoch.0", Read, ErrTokenInvalid},
		{"other scope", Resource("s", "t"), ReadUpdate, "x/t/0.#epoch.0", Read, ErrTokenInvalid},
		{"slash-terminated key", "prn::/scope:s/", Read, "s/anything/0", Read, nil},
		{"scope claim", "prn::/scope:s", Read, "s/t/0.#epoch.0", Read, nil},
		{"star", AllResources, ReadUpdate, "_system/_tables/scopes", ReadUpdate, nil},
		{"star read", AllResources, Read, "a/b/0", ReadUpdate, ErrTokenInvalid},
		{"read not enough", Resource("s", "t"), Read, "s/t/0.#epoch.0", ReadUpdate, ErrTokenInvalid},
		{"read_update covers read", Resource("s", "t"), ReadUpdate, "s/t/0.#epoch.0", Read, nil},
		{"need none", Resource("s", "t"), Read, "s/t/0", None, nil},
		{"reader group state", Resource("s", "_RGg"), ReadUpdate, "s/_RGg/0.#epoch.0", ReadUpdate, nil},
		{"rust rg table", Resource("s", "g_kvtable"), ReadUpdate, "s/g_kvtable/0.#epoch.0", ReadUpdate, nil},
		{"kvt token on kvt segment", Resource("s", "kv"), ReadUpdate, "s/kv_kvtable/3.#epoch.1", ReadUpdate, nil},
		{"kvt token on kvt name", Resource("s", "kv"), Read, "s/kv_kvtable", Read, nil},
		{"kvt rule needs exact name", Resource("s", "kv"), ReadUpdate, "s/kv_kvtablex/0", Read, ErrTokenInvalid},
		{"kvt rule not for other prefixes", Resource("s", "k"), ReadUpdate, "s/kv_kvtable/0", Read, ErrTokenInvalid},
		{"unnormalised key", "s/t", Read, "s/t/0", Read, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(issue(t, tt.resource, tt.perm), tt.segment, tt.need)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyExpiry(t *testing.T) {
	tok := issue(t, Resource("s", "t"), Read) // exp = t0+60s
	for _, tt := range []struct {
		at   time.Duration
		want error
	}{
		{0, nil},
		{60 * time.Second, nil},
		{61 * time.Second, ErrTokenExpired},
		{time.Hour, ErrTokenExpired},
	} {
		err := Verifier{Key: testKey, Now: clock(t0.Add(tt.at))}.Verify(tok, "s/t/0", Read)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("at +%v: %v, want %v", tt.at, err, tt.want)
		}
		if errors.Is(err, ErrTokenInvalid) {
			t.Errorf("at +%v: expired token reported invalid", tt.at)
		}
	}
}

// sig builds a token from raw parts signed with key.
func sig(key []byte, header, payload string) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(header))
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return h + "." + p + "." + base64.RawURLEncoding.EncodeToString(sign(key, h+"."+p))
}

func TestVerifyInvalid(t *testing.T) {
	good := issue(t, Resource("s", "t"), ReadUpdate)
	parts := strings.Split(good, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	const claims = `{"exp":1700000060,"s/t":"READ_UPDATE"}`
	tests := []struct {
		name  string
		token string
		key   []byte
	}{
		{"empty", "", testKey},
		{"one part", "abc", testKey},
		{"two parts", parts[0] + "." + parts[1], testKey},
		{"four parts", good + ".x", testKey},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2]), testKey},
		{"tampered payload", parts[0] + "." + flip(parts[1]) + "." + parts[2], testKey},
		{"wrong key", good, []byte("other")},
		{"no key", good, nil},
		{"bad base64 header", "!!." + parts[1] + "." + parts[2], testKey},
		{"bad base64 sig", parts[0] + "." + parts[1] + ".%%", testKey},
		{"alg none", sig(testKey, `{"alg":"none"}`, claims), testKey},
		{"alg HS256", sig(testKey, `{"alg":"HS256"}`, claims), testKey},
		{"header not JSON", sig(testKey, `{alg`, claims), testKey},
		{"payload not JSON", sig(testKey, `{"alg":"HS512"}`, `{"exp":`), testKey},
		{"payload array", sig(testKey, `{"alg":"HS512"}`, `[1,2]`), testKey},
		{"exp not a number", sig(testKey, `{"alg":"HS512"}`, `{"exp":"soon","s/t":"READ"}`), testKey},
		{"exp huge float", sig(testKey, `{"alg":"HS512"}`, `{"exp":1e300,"s/t":"READ"}`), testKey},
		{"no resource claim", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060}`), testKey},
		{"bad permission value", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060,"s/t":"ALL"}`), testKey},
		{"non-string permission", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060,"s/t":2}`), testKey},
		{"NONE permission", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060,"s/t":"NONE"}`), testKey},
		{"registered claim is no grant", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060,"sub":"READ"}`), testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verifier{Key: tt.key, Now: clock(t0)}.Verify(tt.token, "s/t/0", Read)
			if !errors.Is(err, ErrTokenInvalid) || errors.Is(err, ErrTokenExpired) {
				t.Fatalf("Verify = %v, want ErrTokenInvalid", err)
			}
		})
	}
}

func TestVerifyLenient(t *testing.T) {
	// Tokens from other issuers: no exp (Java TTL -1), padding, fractional exp.
	tests := []struct {
		name  string
		token string
	}{
		{"no exp", sig(testKey, `{"alg":"HS512"}`, `{"s/t":"READ"}`)},
		{"fractional exp", sig(testKey, `{"alg":"HS512"}`, `{"exp":1700000060.5,"s/t":"READ"}`)},
		{"header with typ", sig(testKey, `{"typ":"JWT","alg":"HS512"}`, `{"exp":1700000060,"s/t":"READ"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := (Verifier{Key: testKey, Now: clock(t0)}).Verify(tt.token, "s/t/0", Read); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	s := Signer{Key: testKey, Now: clock(t0)}
	for _, r := range []string{Resource("s", "t"), AllResources, "prn::/scope:s/"} {
		tok, err := s.Issue(r, ReadUpdate)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok, "s/t/0.#epoch.0", uint8(1))
	}
	f.Add("", "", uint8(0))
	f.Add("a.b.c", "s/t", uint8(2))
	f.Add(sig(testKey, `{"alg":"HS512"}`, `{"exp":1e999,"s/t":"READ"}`), "s/t", uint8(1))
	v := Verifier{Key: testKey, Now: clock(t0)}
	f.Fuzz(func(t *testing.T, tok, segment string, need uint8) {
		err := v.Verify(tok, segment, Permission(need%3))
		if err != nil && !errors.Is(err, ErrTokenInvalid) && !errors.Is(err, ErrTokenExpired) {
			t.Fatalf("unclassified error %v", err)
		}
	})
}
