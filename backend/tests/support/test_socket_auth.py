"""Who may open the chat socket, and how it ends."""

import time

import pytest
from websockets.exceptions import InvalidStatus

from app.core.config import settings
from app.models import RoleName
from tests.support.chat import auth, chat, person, raw_socket


async def test_auth_by_first_message_greets_the_customer_with_their_empty_history(
    client, api_server
):
    customer, token = await person(client)

    async with chat(api_server, token) as socket:
        assert socket.hello["user"] == {
            "id": customer.id,
            "username": customer.username,
            "role": "customer",
        }
        assert socket.hello["staff"] is False
        history = await socket.expect("history")
        assert history["conversation"] is None
        assert history["messages"] == []


async def test_auth_by_subprotocol_selects_the_chat_protocol(client, api_server):
    staff, token = await person(client, RoleName.support)

    async with raw_socket(api_server, subprotocols=["shop-support", f"bearer.{token}"]) as socket:
        assert socket.ws.subprotocol == "shop-support"  # never the token itself
        hello = await socket.expect("auth_ok", staff=True)
        assert hello["user"]["id"] == staff.id
        await socket.ping()


async def test_a_client_without_origin_may_connect_with_a_token(client, api_server):
    _, token = await person(client)

    async with chat(api_server, token, origin=None) as socket:
        await socket.expect("history")


async def test_no_auth_within_the_timeout_closes_with_1008(api_server):
    async with raw_socket(api_server) as socket:
        started = time.monotonic()
        error = await socket.expect("error", code="not_authenticated")
        code, _ = await socket.closed()
        waited = time.monotonic() - started

    assert code == 1008
    timeout = settings.support_auth_timeout_seconds
    assert f"within {timeout:g} s" in error["detail"]
    assert timeout * 0.9 <= waited < timeout + 4


async def test_a_first_message_that_is_not_auth_closes_with_1008(api_server):
    async with raw_socket(api_server) as socket:
        await socket.send(type="message", text="hello?")
        await socket.expect("error", code="not_authenticated")
        code, _ = await socket.closed()

    assert code == 1008


async def test_a_bad_token_closes_with_1008(client, api_server):
    _, token = await person(client)

    async with raw_socket(api_server) as socket:
        await socket.send(type="auth", token=token[:-4] + "AAAA")
        await socket.expect("error", code="not_authenticated")
        code, _ = await socket.closed()

    assert code == 1008


async def test_a_bad_subprotocol_token_closes_with_1008(api_server):
    async with raw_socket(api_server, subprotocols=["shop-support", "bearer.not-a-jwt"]) as socket:
        await socket.expect("error", code="not_authenticated")
        code, _ = await socket.closed()

    assert code == 1008


async def test_a_foreign_origin_is_refused_at_the_handshake_even_with_a_token(client, api_server):
    _, token = await person(client)

    with pytest.raises(InvalidStatus) as refused:
        async with raw_socket(
            api_server,
            origin="https://evil.example",
            subprotocols=["shop-support", f"bearer.{token}"],
        ):
            pass

    assert refused.value.response.status_code == 403


async def test_logout_closes_the_socket_of_that_session(client, api_server):
    _, token = await person(client)

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        response = await client.post("/api/v1/auth/logout", headers=auth(token))
        assert response.status_code == 204
        code, reason = await socket.closed()

    assert (code, reason) == (1008, "session ended")


async def test_disabling_a_user_closes_their_sockets(client, api_server):
    customer, token = await person(client)
    _, admin_token = await person(client, RoleName.admin)

    async with chat(api_server, token) as first, chat(api_server, token) as second:
        response = await client.patch(
            f"/api/v1/users/{customer.id}", json={"is_active": False}, headers=auth(admin_token)
        )
        assert response.status_code == 200, response.text
        assert (await first.closed())[0] == 1008
        assert (await second.closed())[0] == 1008


async def test_a_session_ended_elsewhere_leaves_other_sessions_sockets_open(client, api_server):
    customer, token = await person(client)
    other_tokens = await client.post(
        "/api/v1/auth/login", json={"login": customer.username, "password": "correct-horse-battery"}
    )
    other_token = other_tokens.json()["access_token"]

    async with chat(api_server, token) as ended, chat(api_server, other_token) as kept:
        await kept.expect("history")
        await client.post("/api/v1/auth/logout", headers=auth(token))
        assert (await ended.closed())[0] == 1008
        await kept.ping()


async def test_a_role_change_closes_the_users_sockets(client, api_server):
    staff, token = await person(client, RoleName.support)
    _, admin_token = await person(client, RoleName.admin)

    async with chat(api_server, token) as socket:
        await socket.ping()
        response = await client.patch(
            f"/api/v1/users/{staff.id}", json={"role": "customer"}, headers=auth(admin_token)
        )
        assert response.status_code == 200
        assert (await socket.closed())[0] == 1008


async def test_auth_may_carry_a_ref(client, api_server):
    _, token = await person(client)
    async with raw_socket(api_server) as socket:
        await socket.send(type="auth", token=token, ref="a1")
        await socket.expect("auth_ok")
        await socket.expect("history")


async def test_one_user_holds_at_most_ten_sockets(client, api_server):
    from contextlib import AsyncExitStack

    _, token = await person(client)
    async with AsyncExitStack() as stack:
        for _ in range(10):
            socket = await stack.enter_async_context(chat(api_server, token))
            await socket.expect("history")
        async with raw_socket(api_server) as eleventh:
            await eleventh.send(type="auth", token=token)
            error = await eleventh.expect("error", code="too_many_sockets")
            code, _ = await eleventh.closed()
        await socket.ping()  # the others stay open
    assert code == 1008
    assert "10" in error["detail"]
