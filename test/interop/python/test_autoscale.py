"""Auto-scaling with the Python client: a stream scaled by event rate splits under 10x its target while a
Python writer writes, and a Python reader group then reads every event exactly once, in order per key,
across the new segments.

The Go interop driver starts Sluice with short auto-scaling windows (2 s); SLUICE_INTEROP_AUTOSCALE=1 says
so (against real Pravega, whose auto-scaling takes minutes, the test is skipped)."""

import json
import os
import time
import urllib.request
from collections import defaultdict

import pravega_client
import pytest

from conftest import read_events, unique

KEYS = 100


@pytest.mark.skipif(os.environ.get("SLUICE_INTEROP_AUTOSCALE") != "1", reason="needs fast auto-scaling")
def test_writer_and_reader_group_through_splits(manager, scope):
    stream = "load"
    assert manager.create_stream_with_policy(
        scope,
        stream,
        scaling_policy=pravega_client.StreamScalingPolicy.auto_scaling_policy_by_event_rate(100, 2, 1),
        retention_policy=pravega_client.StreamRetentionPolicy.none(),
        tags=[],
    ) is True
    writer = manager.create_writer(scope, stream, max_inflight_events=1000)
    seq = [0] * KEYS
    start = time.monotonic()
    sent = 0
    # 1000 events/s (10x the target) for 12 s: enough for at least one split with the driver's windows.
    while time.monotonic() - start < 12:
        due = int((time.monotonic() - start) * 1000)
        while sent < due:
            k = sent % KEYS
            seq[k] += 1
            writer.write_event(f"{k}:{seq[k]}", routing_key=f"key-{k}")
            sent += 1
        time.sleep(0.005)
    writer.flush()
    total = sum(seq)

    # The stream split while the Python writer wrote (REST scaling events: one per epoch).
    url = (f"{os.environ['SLUICE_REST']}/v1/scopes/{scope}/streams/{stream}/scaling-events"
           f"?from=0&to={int(time.time() * 1000) + 60_000}")
    with urllib.request.urlopen(url) as resp:
        epochs = json.load(resp)["scalingEvents"]
    assert len(epochs) >= 2, f"no scale under 10x the target: {epochs}"

    rg_name = unique("auto")
    rg = manager.create_reader_group(rg_name, scope, stream)
    reader = rg.create_reader("reader-1")
    (got,) = read_events([reader], total)
    assert len(got) == total, f"read {len(got)} of {total} events"
    last = defaultdict(int)
    for e in got:
        k, s = e.decode().split(":")
        assert int(s) == last[k] + 1, f"key {k}: {s} after {last[k]} (lost, duplicated or out of order)"
        last[k] = int(s)
    reader.reader_offline()
    manager.delete_reader_group(rg_name, scope)
