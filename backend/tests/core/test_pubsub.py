"""Live events: a publish that Redis does not take is reported, so sockets resync."""

from app.core import pubsub
from app.core.redis import redis


async def test_a_publish_redis_does_not_take_is_reported_to_the_socket_hub(wait_for):
    from app.support.hub import hub

    reasons: list[str] = []

    async def reported() -> bool:
        return bool(reasons)

    pubsub.on_publish_failure(reasons.append)
    try:
        # PUBLISH waits while writes are paused, past the client's timeout.
        await redis.execute_command("CLIENT", "PAUSE", "10000", "WRITE")
        pubsub.publish("test:lost", b"an event nobody will hear")
        await wait_for(reported, timeout=10)
    finally:
        await redis.execute_command("CLIENT", "UNPAUSE")
        pubsub._failure_callbacks.remove(reasons.append)

    assert reasons == ["live events were lost; reconnect"]
    # The hub hears it too: it closes its sockets with 1012 and clients reload.
    assert hub.restart_all in pubsub._failure_callbacks
