// Package archtest holds repository-wide tests that keep the package graph
// honest: the public client and the wire codec must never depend on server
// code, so that they can be vendored into applications on their own.
package archtest
