package wire

// Admin commands, served by the Java segment store only on its admin port:
// FlushToStorage (-3) / StorageFlushed (-4) from the v13 era and
// ListStorageChunks (-5) / StorageChunksListed (-6) from the v15 era. Note that
// the requests carry requestId last.

// FlushToStorage asks a container to flush everything to long-term storage.
type FlushToStorage struct {
	ContainerID int32
	Token       string // delegation token, "" when auth is off
	RequestID   int64
}

// Type implements Command.
func (*FlushToStorage) Type() Type { return TypeFlushToStorage }

// AppendPayload implements Command.
func (c *FlushToStorage) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *FlushToStorage) encode(e enc) enc {
	return e.i32(c.ContainerID).str(c.Token).i64(c.RequestID)
}

func (c *FlushToStorage) decode(d *dec) {
	c.ContainerID = d.i32("containerId")
	c.Token = d.str("token")
	c.RequestID = d.i64("requestId")
}

func (c *FlushToStorage) requestID() int64 { return c.RequestID }

// StorageFlushed answers FlushToStorage.
type StorageFlushed struct {
	RequestID int64
}

// Type implements Command.
func (*StorageFlushed) Type() Type { return TypeStorageFlushed }

// AppendPayload implements Command.
func (c *StorageFlushed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *StorageFlushed) encode(e enc) enc {
	return e.i64(c.RequestID)
}

func (c *StorageFlushed) decode(d *dec) {
	c.RequestID = d.i64("requestId")
}

func (c *StorageFlushed) requestID() int64 { return c.RequestID }

// ListStorageChunks asks for the chunks of a segment in long-term storage.
type ListStorageChunks struct {
	Segment   string
	Token     string // delegation token, "" when auth is off
	RequestID int64
}

// Type implements Command.
func (*ListStorageChunks) Type() Type { return TypeListStorageChunks }

// AppendPayload implements Command.
func (c *ListStorageChunks) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *ListStorageChunks) encode(e enc) enc {
	return e.str(c.Segment).str(c.Token).i64(c.RequestID)
}

func (c *ListStorageChunks) decode(d *dec) {
	c.Segment = d.str("segment")
	c.Token = d.str("token")
	c.RequestID = d.i64("requestId")
}

func (c *ListStorageChunks) requestID() int64 { return c.RequestID }

// StorageChunksListed answers ListStorageChunks.
type StorageChunksListed struct {
	RequestID int64
	Chunks    []ChunkInfo
}

// Type implements Command.
func (*StorageChunksListed) Type() Type { return TypeStorageChunksListed }

// AppendPayload implements Command.
func (c *StorageChunksListed) AppendPayload(b []byte) []byte { return c.encode(enc{b: b}).b }

func (c *StorageChunksListed) encode(e enc) enc {
	return e.i64(c.RequestID).chunks(c.Chunks)
}

func (c *StorageChunksListed) decode(d *dec) {
	c.RequestID = d.i64("requestId")
	c.Chunks = d.chunks("chunks")
}

func (c *StorageChunksListed) requestID() int64 { return c.RequestID }
