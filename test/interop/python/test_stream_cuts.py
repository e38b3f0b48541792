"""Stream cuts: head/tail reader groups, the reader group's stream cut, reading from a stream cut."""

import pravega_client

from conftest import CONTROLLER, event_size, read_events, read_quiet, unique


def test_stream_cut_head_tail(manager, scope):
    stream = "cuts"
    assert manager.create_stream(scope, stream, 1) is True
    writer = manager.create_writer(scope, stream)
    for i in (1, 2):
        writer.write_event(f"event{i}")
    writer.flush()

    # A reader group at the tail: its stream cut points just past the two events.
    tail_rg_name = unique("rg-tail")
    # Each reader group gets its own StreamManager (own connection pool): a reader keeps a read parked at the
    # tail, and against real Pravega 0.13 a reader-group request sharing that pool sometimes waits out the Rust
    # client's 30 s request timeout, after which its retry panics with "reader already online" (README,
    # "Observations").
    tail_mgr = pravega_client.StreamManager(CONTROLLER)  # must outlive its reader group (owns the runtime)
    tail_rg = tail_mgr.create_reader_group(tail_rg_name, scope, stream, True)
    cut = tail_rg.get_streamcut()
    offsets = cut.get_segment_offset_map()
    assert list(offsets.values()) == [2 * event_size(b"event1")], offsets

    # A reader group at the head: its stream cut is offset 0 of every segment.
    head_rg_name = unique("rg-head")
    head_mgr = pravega_client.StreamManager(CONTROLLER)  # must outlive its reader group (owns the runtime)
    head_rg = head_mgr.create_reader_group(head_rg_name, scope, stream)
    assert list(head_rg.get_streamcut().get_segment_offset_map().values()) == [0]

    for i in (3, 4, 5):
        writer.write_event(f"event{i}")
    writer.flush()

    # A new reader group started from the saved stream cut.
    cut_rg_name = unique("rg-cut")
    cut_mgr = pravega_client.StreamManager(CONTROLLER)  # must outlive its reader group (owns the runtime)
    cut_rg = cut_mgr.create_reader_group(cut_rg_name, scope, stream, False, cut)

    # The tail group sees only events written after it was created.
    tail_reader = tail_rg.create_reader("reader-tail")
    (got,) = read_events([tail_reader], 3)
    (rest,) = read_quiet([tail_reader], 2.0)
    assert got + rest == [b"event3", b"event4", b"event5"]

    # The stream-cut group reads the same three events.
    cut_reader = cut_rg.create_reader("reader-cut")
    (got,) = read_events([cut_reader], 3)
    (rest,) = read_quiet([cut_reader], 2.0)
    assert got + rest == [b"event3", b"event4", b"event5"]

    # The head group reads everything.
    head_reader = head_rg.create_reader("reader-head")
    (got,) = read_events([head_reader], 5)
    assert got == [f"event{i}".encode() for i in range(1, 6)]

    for rg_name, reader in ((tail_rg_name, tail_reader), (cut_rg_name, cut_reader), (head_rg_name, head_reader)):
        reader.reader_offline()
        manager.delete_reader_group(rg_name, scope)
