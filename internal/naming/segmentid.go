package naming

// SegmentID packs a segment's creation epoch and its number into the 64-bit
// id used on the controller API: the epoch in the high 32 bits, the number in
// the low 32 bits. Both are non-negative in valid ids.
func SegmentID(epoch, number int32) int64 {
	return int64(epoch)<<32 | int64(uint32(number))
}

// EpochOf returns the creation epoch stored in the high 32 bits of a segment id.
func EpochOf(id int64) int32 {
	return int32(id >> 32)
}

// NumberOf returns the segment number stored in the low 32 bits of a segment id.
func NumberOf(id int64) int32 {
	return int32(id)
}
