// Package token issues and verifies Pravega delegation tokens: the HS512
// JSON Web Tokens a controller hands to clients (getDelegationToken and the
// token fields of getCurrentSegments, getURI, ...) and a segment store checks
// on every request (controller-api §5.4, wire-protocol §4.10).
//
// # Format
//
// A token is a compact JWS: three base64url parts without padding, joined
// by '.':
//
//	base64url(header) "." base64url(payload) "." base64url(HMAC-SHA512(key, part1 "." part2))
//
// The header is always {"alg":"HS512"}. The payload is a JSON object:
//
//	| claim        | value                                   |
//	|--------------|-----------------------------------------|
//	| sub          | "segmentstoreresource"                  |
//	| aud          | "segmentstore"                          |
//	| iat          | issue time, Unix seconds                |
//	| exp          | expiry, Unix seconds (always present)   |
//	| <resource>   | "READ" or "READ_UPDATE"                 |
//
// The resource is "prn::/scope:<scope>/stream:<stream>" for client tokens
// and "*" for the controller's own calls to segment stores (IssueInternal).
// exp is always written: the Rust client panics on a token without one.
//
// # Standard-base64 compatibility
//
// Both clients decode the payload part with a standard (not URL-safe)
// base64 decoder to find exp, so the payload segment must not contain '-'
// or '_'. For an ASCII payload those appear only where a byte at an offset
// ≡ 2 (mod 3) is '>', '?', '~' or DEL (its low six bits are 62 or 63); bytes
// ≥ 0x80 can produce them at any offset. Instead of adding a nonce claim
// (which a Java segment store would read as a resource claim), the Signer
// writes the payload JSON itself and escapes every byte that could produce
// them: all non-ASCII and control characters, '>', '?', '~' and DEL become
// \uXXXX escapes, whose own bytes ('\\', 'u', digits, 'a'-'f') are safe at
// every offset. Every remaining payload byte is then safe, so the payload
// segment is valid standard base64 once re-padded, whatever the resource
// name. Issue still checks the encoded segment and fails rather than hand
// out a token a client could not read.
//
// # Verification
//
// Verifier follows the Java segment store (TokenVerifierImpl): the header
// must say HS512, the signature must match (constant-time), and an exp in
// the past fails with ErrTokenExpired. sub, aud, iat, exp and the other
// registered JWT claims are ignored; every other claim key is normalised by
// deleting "prn::", "/scope:" and "stream:" (prn::/scope:s/stream:t → s/t)
// and grants its permission on a segment when
//
//   - the segment equals the key, or
//   - the key ends with '/' and the segment starts with the key, or
//   - the segment starts with key + "/", or
//   - the key is "*", or
//   - (Sluice addition) the segment equals key + "_kvtable" or starts with
//     key + "_kvtable/".
//
// The last rule exists because the controller issues Key-Value Table tokens
// for "<scope>/<kvt>" while the table's segments are named
// "<scope>/<kvt>_kvtable/<n>.#epoch.<e>". Whether Pravega itself matches
// these is UNCERTAIN (controller-api §5.4); the rule keeps Java KVTs working
// with auth on, and grants nothing a token for the KVT should not.
//
// A request succeeds when some matching claim's permission is at least the
// permission the request needs (READ < READ_UPDATE).
package token
