package store

import (
	"net/url"
	"strings"
)

// Key prefixes; see doc.go.
const (
	scopesPrefix  = "scopes/"
	streamsPrefix = "streams/"
	tagsPrefix    = "tags/"
	deletedPrefix = "deleted/"
	txnsPrefix    = "txns/"
	txdonePrefix  = "txdone/"
	rgsPrefix     = "rgs/"
	subsPrefix    = "subs/"
	writersPrefix = "writers/"
	kvtsPrefix    = "kvts/"
	retainPrefix  = "retention/"
	// WorkflowPrefix is the prefix of every workflow marker.
	WorkflowPrefix = "wf/"
	txnCounterKey  = "counter/txn"
)

func esc(s string) string { return url.PathEscape(s) }

// Unescape reverses the escaping of a free-form key element.
func Unescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}

// ScopeKey is the key of a scope record.
func ScopeKey(scope string) string { return scopesPrefix + scope }

// StreamKey is the key of a stream record.
func StreamKey(scope, stream string) string { return streamsPrefix + scope + "/" + stream }

// AllStreamsPrefix lists every stream of every scope.
func AllStreamsPrefix() string { return streamsPrefix }

// RetentionKey holds the points recorded for a stream's retention policy.
func RetentionKey(scope, stream string) string { return retainPrefix + scope + "/" + stream }

// AllRetentionPrefix lists the retention points of every stream.
func AllRetentionPrefix() string { return retainPrefix }

// StreamsPrefix lists the streams of a scope.
func StreamsPrefix(scope string) string { return streamsPrefix + scope + "/" }

// TagKey is the index entry of a stream carrying tag.
func TagKey(scope, tag, stream string) string { return TagPrefix(scope, tag) + stream }

// TagPrefix lists the streams of a scope carrying tag.
func TagPrefix(scope, tag string) string { return tagsPrefix + scope + "/" + esc(tag) + "/" }

// DeletedKey records a deleted stream's next segment number.
func DeletedKey(scope, stream string) string { return deletedPrefix + scope + "/" + stream }

// TxnKey is the key of an open or completing transaction.
func TxnKey(scope, stream, txnHex string) string { return TxnsPrefix(scope, stream) + txnHex }

// TxnsPrefix lists a stream's transactions.
func TxnsPrefix(scope, stream string) string { return txnsPrefix + scope + "/" + stream + "/" }

// AllTxnsPrefix lists every transaction.
func AllTxnsPrefix() string { return txnsPrefix }

// CompletedTxnKey is the key of a completed transaction.
func CompletedTxnKey(scope, stream, txnHex string) string {
	return CompletedTxnsPrefix(scope, stream) + txnHex
}

// CompletedTxnsPrefix lists a stream's completed transactions.
func CompletedTxnsPrefix(scope, stream string) string {
	return txdonePrefix + scope + "/" + stream + "/"
}

// ReaderGroupKey is the key of a reader group.
func ReaderGroupKey(scope, group string) string { return ReaderGroupsPrefix(scope) + group }

// ReaderGroupsPrefix lists a scope's reader groups.
func ReaderGroupsPrefix(scope string) string { return rgsPrefix + scope + "/" }

// SubscriberKey is the key of a stream's subscriber.
func SubscriberKey(scope, stream, subscriber string) string {
	return SubscribersPrefix(scope, stream) + esc(subscriber)
}

// SubscribersPrefix lists a stream's subscribers.
func SubscribersPrefix(scope, stream string) string { return subsPrefix + scope + "/" + stream + "/" }

// WriterKey is the key of a writer's mark on a stream.
func WriterKey(scope, stream, writer string) string {
	return WritersPrefix(scope, stream) + esc(writer)
}

// WritersPrefix lists a stream's writer marks.
func WritersPrefix(scope, stream string) string { return writersPrefix + scope + "/" + stream + "/" }

// AllWritersPrefix lists the writer marks of every stream.
func AllWritersPrefix() string { return writersPrefix }

// KVTKey is the key of a key-value table.
func KVTKey(scope, kvt string) string { return KVTsPrefix(scope) + kvt }

// KVTsPrefix lists a scope's key-value tables.
func KVTsPrefix(scope string) string { return kvtsPrefix + scope + "/" }

// Workflow kinds, the second element of a marker key.
const (
	WorkflowStream = "stream"
	WorkflowTxn    = "txn"
	WorkflowKVT    = "kvt"
	WorkflowRG     = "rg"
)

// WorkflowKey is the marker key of a workflow on the object named by parts.
func WorkflowKey(kind string, parts ...string) string {
	return WorkflowPrefix + kind + "/" + strings.Join(parts, "/")
}

// ParseWorkflowKey splits a marker key into its kind and parts.
func ParseWorkflowKey(key string) (kind string, parts []string, ok bool) {
	rest, ok := strings.CutPrefix(key, WorkflowPrefix)
	if !ok {
		return "", nil, false
	}
	all := strings.Split(rest, "/")
	if len(all) < 2 {
		return "", nil, false
	}
	return all[0], all[1:], true
}

// LastElement returns the part of a key after its last '/'.
func LastElement(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }
