"""Event streams: writer with routing keys, single reader and a two-reader group."""

from collections import defaultdict

import pravega_client

from conftest import CONTROLLER, read_events, read_quiet, unique

EVENTS = 10_000
KEYS = 37


def _write(manager, scope, stream, n=EVENTS):
    """Writes n events "key-K:seq" with routing key "key-K"; returns the payloads in write order."""
    writer = manager.create_writer(scope, stream, max_inflight_events=1000)
    sent = []
    for i in range(n):
        key = f"key-{i % KEYS}"
        payload = f"{key}:{i:06d}"
        writer.write_event(payload, routing_key=key)
        sent.append(payload.encode())
    writer.flush()
    return sent


def _check_order_per_key(events):
    """Events with one routing key go to one segment, so a reader sees them in write order."""
    last = defaultdict(lambda: -1)
    for e in events:
        key, seq = e.decode().split(":")
        assert int(seq) > last[key], f"routing key {key}: {seq} after {last[key]}"
        last[key] = int(seq)


def test_writer_routing_keys_10k(manager, scope):
    stream = "events"
    assert manager.create_stream(scope, stream, 3) is True
    sent = _write(manager, scope, stream)

    rg_name = unique("rg")
    rg = manager.create_reader_group(rg_name, scope, stream)
    reader = rg.create_reader("reader-1")
    (got,) = read_events([reader], EVENTS)

    assert len(got) == EVENTS, f"read {len(got)} of {EVENTS} events"
    assert sorted(got) == sorted(sent), "events differ from those written"
    _check_order_per_key(got)

    reader.reader_offline()
    manager.delete_reader_group(rg_name, scope)


def test_reader_group_two_readers_exactly_once(manager, scope):
    """Two readers of one group together read every event exactly once.

    The Rust client gives all unassigned segments to the first reader that asks and rebalances only every
    10 s, so the events are written in two halves with a pause of more than 10 s in between, during which both
    readers keep polling; the second half is then spread over both readers."""
    stream = "shared"
    assert manager.create_stream(scope, stream, 4) is True
    rg_name = unique("rg2")
    # One StreamManager (one connection pool) per reader, as two processes would have; see
    # test_stream_cuts.py for why sharing a pool with a parked tail read is avoided.
    mgr1 = pravega_client.StreamManager(CONTROLLER)
    mgr2 = pravega_client.StreamManager(CONTROLLER)
    r1 = mgr1.create_reader_group(rg_name, scope, stream).create_reader("reader-1")
    r2 = mgr2.create_reader_group(rg_name, scope, stream).create_reader("reader-2")

    half = EVENTS // 2
    sent = _write(manager, scope, stream, half)
    got1, got2 = read_events([r1, r2], half)
    more1, more2 = read_quiet([r1, r2], quiet=11.0)
    got1 += more1
    got2 += more2

    writer = manager.create_writer(scope, stream, max_inflight_events=1000)
    for i in range(half, EVENTS):
        key = f"key-{i % KEYS}"
        payload = f"{key}:{i:06d}"
        writer.write_event(payload, routing_key=key)
        sent.append(payload.encode())
    writer.flush()
    want = EVENTS - len(got1) - len(got2)
    more1, more2 = read_events([r1, r2], want)
    got1 += more1
    got2 += more2
    print(f"reader-1 read {len(got1)} events, reader-2 read {len(got2)}")

    together = got1 + got2
    assert len(together) == EVENTS, f"read {len(together)} of {EVENTS} (duplicates or loss)"
    assert len(set(together)) == EVENTS, "an event was read twice"
    assert sorted(together) == sorted(sent)
    assert got1 and got2, "one reader never received a segment"
    _check_order_per_key(got1)
    _check_order_per_key(got2)

    r1.reader_offline()
    r2.reader_offline()
    manager.delete_reader_group(rg_name, scope)
