"""Shared fixtures for the Python interop suite.

The suite drives a Pravega-compatible server (Sluice, or real Pravega for validation) with the real
Python client, `pravega` 0.3.8 on PyPI (module `pravega_client`, a binding of the Rust client).

Environment:
  SLUICE_CONTROLLER  controller URI, default tcp://127.0.0.1:9090
"""

import asyncio
import os
import random
import re
import string
import time

import pravega_client
import pytest

CONTROLLER = os.environ.get("SLUICE_CONTROLLER", "tcp://127.0.0.1:9090")

# One id per pytest run: every scope and stream name contains it, so runs never collide, also against a
# long-lived server.
RUN_ID = time.strftime("%H%M%S") + "".join(random.choices(string.ascii_lowercase + string.digits, k=4))


def unique(prefix: str) -> str:
    """A scope/stream/reader-group name unique to this run (letters, digits and '-' only)."""
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=4))
    return f"{prefix}-{RUN_ID}-{suffix}"


@pytest.fixture(scope="session")
def manager():
    return pravega_client.StreamManager(CONTROLLER)


@pytest.fixture
def scope(manager, request):
    """A fresh scope for one test. Left in place afterwards: deleting it needs every stream sealed and
    deleted first, which is itself a scenario (test_stream_manager) rather than cleanup."""
    name = unique("py-" + re.sub(r"[^a-z0-9]", "", request.node.name.lower())[:20])
    assert manager.create_scope(name) is True
    return name


def event_size(payload: bytes) -> int:
    """Bytes an event occupies in a segment: 8-byte header (type + length) plus the payload."""
    return 8 + len(payload)


async def _drain(readers, want: int, timeout: float):
    """Reads with all readers concurrently until `want` events arrived in total or `timeout` passed.

    Returns one list of event payloads per reader. Every acquired slice is released back to the reader group
    (the client's way of recording the read position)."""
    got = [[] for _ in readers]
    deadline = time.monotonic() + timeout

    async def one(i, reader):
        while sum(len(g) for g in got) < want and time.monotonic() < deadline:
            slice_ = await reader.get_segment_slice_async()
            for event in slice_:
                got[i].append(bytes(event.data()))
            reader.release_segment(slice_)

    await asyncio.gather(*(one(i, r) for i, r in enumerate(readers)))
    return got


def read_events(readers, want: int, timeout: float = 120.0):
    """Synchronous wrapper over _drain (the client's futures need a running asyncio loop)."""
    return asyncio.run(_drain(readers, want, timeout))


def read_quiet(readers, quiet: float = 3.0):
    """Reads until no reader sees an event for `quiet` seconds; used to prove that nothing more arrives."""
    got = [[] for _ in readers]

    async def run():
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            for i, reader in enumerate(readers):
                slice_ = await reader.get_segment_slice_async()
                for event in slice_:
                    got[i].append(bytes(event.data()))
                    last = time.monotonic()
                reader.release_segment(slice_)

    asyncio.run(run())
    return got
