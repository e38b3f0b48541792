"""Cross-client check: read the events the Go client wrote, write events for the Go client to read.

The Go interop driver sets SLUICE_CROSS_FROMGO and SLUICE_CROSS_FROMPYTHON ("scope/stream") and
SLUICE_CROSS_EVENTS; without them the test is skipped. Events are "key:seq" with routing key "key"."""

import os
from collections import defaultdict

import pytest

from conftest import read_events, unique

FROM_GO = os.environ.get("SLUICE_CROSS_FROMGO")
FROM_PYTHON = os.environ.get("SLUICE_CROSS_FROMPYTHON")
EVENTS = int(os.environ.get("SLUICE_CROSS_EVENTS", "0"))


@pytest.mark.skipif(not FROM_GO or not FROM_PYTHON, reason="not run by the Go interop driver")
def test_reads_go_events_and_writes_for_go(manager):
    scope, stream = FROM_GO.split("/")
    rg_name = unique("cross")
    rg = manager.create_reader_group(rg_name, scope, stream)
    reader = rg.create_reader("reader-1")
    (got,) = read_events([reader], EVENTS)
    assert len(got) == EVENTS, f"read {len(got)} of {EVENTS} events the Go client wrote"
    last = defaultdict(lambda: -1)
    for e in got:
        key, seq = e.decode().split(":")
        assert int(seq) > last[key], f"key {key}: {seq} after {last[key]}"
        last[key] = int(seq)
    reader.reader_offline()
    manager.delete_reader_group(rg_name, scope)

    scope, stream = FROM_PYTHON.split("/")
    writer = manager.create_writer(scope, stream, max_inflight_events=1000)
    for i in range(EVENTS):
        key = f"key-{i % 10}"
        writer.write_event(f"{key}:{i}", routing_key=key)
    writer.flush()
