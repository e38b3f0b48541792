// Package wire implements the Pravega segment-store wire protocol: command
// types, their byte layouts, framing and the append reassembly rules.
package wire
