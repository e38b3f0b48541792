"""Byte stream: write, flush, tail offset, seek (all three whence values), read, truncate."""

import os


def _read_exactly(bs, n):
    out = bytearray()
    while len(out) < n:
        buf = bytearray(n - len(out))
        got = bs.readinto(buf)
        assert got > 0, f"read returned {got} after {len(out)} of {n} bytes"
        out += buf[:got]
    return bytes(out)


def test_byte_stream(manager, scope):
    stream = "bytes"
    # A byte stream is a stream with exactly one segment.
    assert manager.create_stream(scope, stream, 1) is True
    bs = manager.create_byte_stream(scope, stream)

    data = os.urandom(300_000) + b"tail-marker"
    written = 0
    for off in range(0, len(data), 64 * 1024):
        written += bs.write(data[off:off + 64 * 1024])
    assert written == len(data)
    bs.flush()
    assert bs.current_tail_offset() == len(data)
    assert bs.current_head_offset() == 0

    assert bs.seek(0, 0) == 0
    assert _read_exactly(bs, len(data)) == data
    assert bs.tell() == len(data)

    assert bs.seek(1000, 0) == 1000
    assert _read_exactly(bs, 500) == data[1000:1500]
    assert bs.seek(100, 1) == 1600
    assert _read_exactly(bs, 10) == data[1600:1610]
    assert bs.seek(-11, 2) == len(data) - 11
    assert _read_exactly(bs, 11) == b"tail-marker"

    # Appending after reads: the reader sees the new tail.
    bs.write(b"more")
    bs.flush()
    assert bs.current_tail_offset() == len(data) + 4
    assert _read_exactly(bs, 4) == b"more"

    # Truncation moves the head; reads below it are no longer possible, above it still work.
    bs.truncate(100_000)
    assert bs.current_head_offset() == 100_000
    assert bs.seek(150_000, 0) == 150_000
    assert _read_exactly(bs, 100) == data[150_000:150_100]
