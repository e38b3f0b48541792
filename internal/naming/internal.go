package naming

import "strings"

// Names of internal scopes, streams and tables. Internal names start with
// InternalPrefix, which user names may not use.
const (
	// InternalPrefix starts every internal scope or stream name.
	InternalPrefix = "_"
	// SystemScope holds the controller's own streams and tables.
	SystemScope = "_system"
	// RequestStream carries scale and other requests to the controller.
	RequestStream = "_requeststream"
	// CommitStream carries transaction commit requests.
	CommitStream = "_commitStream"
	// AbortStream carries transaction abort requests.
	AbortStream = "_abortStream"
	// KVTableStream carries key-value table requests.
	KVTableStream = "_kvTableStream"

	// ReaderGroupStreamPrefix prefixes a Java reader group's state stream.
	ReaderGroupStreamPrefix = "_RG"
	// MarkStreamPrefix prefixes a stream's watermark stream.
	MarkStreamPrefix = "_MARK"
	// KVTableSuffix turns a key-value table name into the name of its stream.
	KVTableSuffix = "_kvtable"
	// TablesDirectory is the path element under a scope that holds
	// controller and container metadata table segments.
	TablesDirectory = "_tables"
)

// InternalStreamName returns "_" + name.
func InternalStreamName(name string) string { return InternalPrefix + name }

// IsInternalName reports whether a scope or stream name is internal (starts
// with "_").
func IsInternalName(name string) bool { return strings.HasPrefix(name, InternalPrefix) }

// ReaderGroupStreamName returns "_RG<group>", the stream that holds a Java
// reader group's state.
func ReaderGroupStreamName(group string) string { return ReaderGroupStreamPrefix + group }

// ReaderGroupOfStream returns the reader group whose state stream is stream,
// if stream is one ("_RG<group>" with a non-empty group).
func ReaderGroupOfStream(stream string) (string, bool) {
	g, ok := strings.CutPrefix(stream, ReaderGroupStreamPrefix)
	return g, ok && g != ""
}

// MarkStreamName returns "_MARK<stream>", the stream that holds a stream's
// watermarks.
func MarkStreamName(stream string) string { return MarkStreamPrefix + stream }

// StreamOfMarkStream returns the stream whose watermark stream is mark, if
// mark is one ("_MARK<stream>" with a non-empty stream).
func StreamOfMarkStream(mark string) (string, bool) {
	s, ok := strings.CutPrefix(mark, MarkStreamPrefix)
	return s, ok && s != ""
}

// KVTableStreamName returns "<kvt>_kvtable", the stream name under which a
// key-value table's segments are named.
func KVTableStreamName(kvt string) string { return kvt + KVTableSuffix }

// KVTableOfStream returns the key-value table whose segments are named under
// stream, if stream is one ("<kvt>_kvtable" with a non-empty kvt).
func KVTableOfStream(stream string) (string, bool) {
	k, ok := strings.CutSuffix(stream, KVTableSuffix)
	return k, ok && k != ""
}

// KVTableSegmentName returns "<scope>/<kvt>_kvtable/<n>.#epoch.<e>".
func KVTableSegmentName(scope, kvt string, id int64) string {
	return QualifiedName(scope, KVTableStreamName(kvt), id)
}

// MetadataTableName returns "<scope>/_tables/<p1>/<p2>...", the name of a
// metadata table segment in a scope (e.g. "_system/_tables/scopes").
func MetadataTableName(scope string, path ...string) string {
	return scope + "/" + TablesDirectory + "/" + strings.Join(path, "/")
}

// IsMetadataTableName reports whether name lies under "<scope>/_tables/".
func IsMetadataTableName(name string) bool {
	_, rest, ok := strings.Cut(name, "/")
	return ok && strings.HasPrefix(rest, TablesDirectory+"/")
}
