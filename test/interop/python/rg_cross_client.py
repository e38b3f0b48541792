"""Cross-client helper for client/interop_python_test.go (Go): joins a reader group with the Python client
(pravega 0.3.8, the Rust client's reader-group state in a table segment), reads until `want` events arrived
or nothing came for `quiet` seconds, leaves the group and prints one event per line.

usage: rg_cross_client.py <controller> <scope> <stream> <group> <want> <quiet seconds>
The group is created (head of the stream) if it does not exist, as create_reader_group does."""

import asyncio
import sys
import time

import pravega_client


def main():
    controller, scope, stream, group = sys.argv[1:5]
    want, quiet = int(sys.argv[5]), float(sys.argv[6])
    manager = pravega_client.StreamManager(controller)
    reader = manager.create_reader_group(group, scope, stream).create_reader("python-reader")
    got = []

    async def run():
        last = time.monotonic()
        while len(got) < want and time.monotonic() - last < quiet:
            slice_ = await reader.get_segment_slice_async()
            for event in slice_:
                got.append(bytes(event.data()).decode())
                last = time.monotonic()
            reader.release_segment(slice_)

    asyncio.run(run())
    reader.reader_offline()
    for event in got:
        print(event)


if __name__ == "__main__":
    main()
