"""Stream manager: scopes, streams, tags, policy update, seal, delete (controller gRPC only)."""

import pravega_client

from conftest import unique


def test_stream_manager(manager):
    scope = unique("py-mgr")
    assert manager.create_scope(scope) is True
    # Creating an existing scope is not an error: the controller answers "exists", the client returns False.
    assert manager.create_scope(scope) is False
    assert scope in manager.list_scope()

    plain = "plain"
    assert manager.create_stream(scope, plain, 1) is True
    assert manager.create_stream(scope, plain, 1) is False

    tagged = "tagged"
    assert manager.create_stream_with_policy(
        scope,
        tagged,
        scaling_policy=pravega_client.StreamScalingPolicy.fixed_scaling_policy(2),
        retention_policy=pravega_client.StreamRetentionPolicy.none(),
        tags=["alpha", "beta"],
    ) is True
    assert sorted(manager.get_stream_tags(scope, tagged)) == ["alpha", "beta"]

    # Update the configuration: new tag set, retention by size, scaling unchanged.
    assert manager.update_stream_with_policy(
        scope,
        tagged,
        scaling_policy=pravega_client.StreamScalingPolicy.fixed_scaling_policy(2),
        retention_policy=pravega_client.StreamRetentionPolicy.by_size(1 << 30),
        tags=["gamma"],
    ) is True
    assert manager.get_stream_tags(scope, tagged) == ["gamma"]

    # Real Pravega 0.13 also lists its internal "_MARK<stream>" watermark streams here (names starting with
    # "_" are reserved for internal streams), so only user streams are compared.
    listed = manager.list_stream(scope)
    print("list_stream:", listed)
    assert sorted(user_streams(listed)) == sorted([plain, tagged])

    # Seal then delete; a stream must be sealed before it can be deleted.
    for stream in (plain, tagged):
        assert manager.seal_stream(scope, stream) is True
        assert manager.delete_stream(scope, stream) is True
    assert user_streams(manager.list_stream(scope)) == []

    assert manager.delete_scope(scope) is True
    assert scope not in manager.list_scope()


def user_streams(names):
    return [n for n in names if not n.startswith("_")]
