"""Transactional writer: a committed transaction becomes visible, an aborted one never does."""

import pravega_client
import pytest

from conftest import read_events, read_quiet, unique


def test_transactions_commit_and_abort(manager, scope):
    stream = "txn"
    assert manager.create_stream(scope, stream, 2) is True
    txn_writer = manager.create_transaction_writer(scope, stream, 7)

    committed = manager_events("commit", 50)
    txn = txn_writer.begin_txn()
    assert txn.is_open()
    for i, e in enumerate(committed):
        txn.write_event(e.decode(), routing_key=f"k{i % 5}")
    txn.commit()
    assert not txn.is_open()
    # A closed transaction refuses further writes.
    with pytest.raises(pravega_client.TxnFailedException):
        txn.write_event("late")

    aborted = manager_events("abort", 50)
    txn2 = txn_writer.begin_txn()
    assert txn2.get_txn_id() != txn.get_txn_id()
    for i, e in enumerate(aborted):
        txn2.write_event(e.decode(), routing_key=f"k{i % 5}")
    txn2.abort()
    assert not txn2.is_open()

    # A plain event after both transactions marks the point by which everything visible has arrived.
    writer = manager.create_writer(scope, stream)
    writer.write_event("sentinel", routing_key="k0")
    writer.flush()

    rg_name = unique("rg-txn")
    rg = manager.create_reader_group(rg_name, scope, stream)
    reader = rg.create_reader("reader-1")
    (got,) = read_events([reader], len(committed) + 1)
    (rest,) = read_quiet([reader])
    got += rest

    assert sorted(got) == sorted(committed + [b"sentinel"]), "committed events missing or aborted ones visible"
    assert not any(e.startswith(b"abort") for e in got)

    reader.reader_offline()
    manager.delete_reader_group(rg_name, scope)


def manager_events(prefix, n):
    return [f"{prefix}-{i:03d}".encode() for i in range(n)]
