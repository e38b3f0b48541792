// Package readindex keeps the readable bytes of one segment in memory and
// parks reads that wait at the tail.
//
// A Segment holds durable data only: the container inserts bytes after the
// journal has made them durable, so a reader never sees data that a crash
// could take back. Data is kept as the immutable slices the container
// inserted (one per append), indexed by their starting offset; reads return
// sub-slices without copying and the caller copies once into its reply.
//
// A Segment is not safe for concurrent use; its container serialises access.
// Waiters are completed by the container outside its lock, from the values
// Append, Seal and Close return.
package readindex
