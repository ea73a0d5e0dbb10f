"""The REST side of the chat: lists, history pages, closing."""

import httpx

from app.models import RoleName
from tests.support.chat import auth, chat, person


async def _conversation_with(api_server, token: str, *texts: str) -> int:
    """A customer's open conversation holding `texts`, written over the socket."""
    async with chat(api_server, token) as socket:
        await socket.expect("history")
        for text in texts:
            await socket.send(type="message", text=text)
            conversation_id = (await socket.next_of("message", text=text))["conversation_id"]
    return conversation_id


async def test_a_customer_lists_only_their_own_conversations(client, api_server):
    alice, alice_token = await person(client)
    _, bob_token = await person(client)
    alices = await _conversation_with(api_server, alice_token, "hi")
    await _conversation_with(api_server, bob_token, "hello")

    response = await client.get("/api/v1/support/conversations", headers=auth(alice_token))

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert [c["id"] for c in body["items"]] == [alices]
    assert body["items"][0]["customer"]["id"] == alice.id


async def test_staff_list_every_conversation_with_the_list_language(client, api_server):
    _, alice_token = await person(client)
    bob, bob_token = await person(client, username="bob")
    _, staff_token = await person(client, RoleName.support)
    alices = await _conversation_with(api_server, alice_token, "hi")
    bobs = await _conversation_with(api_server, bob_token, "hello")
    await client.post(f"/api/v1/support/conversations/{alices}/close", headers=auth(staff_token))

    everything = await client.get("/api/v1/support/conversations", headers=auth(staff_token))
    open_only = await client.get(
        "/api/v1/support/conversations?status=open", headers=auth(staff_token)
    )
    searched = await client.get("/api/v1/support/conversations?q=bob", headers=auth(staff_token))
    by_id = await client.get(
        "/api/v1/support/conversations?sort=id&page_size=1&page=2", headers=auth(staff_token)
    )
    unknown = await client.get("/api/v1/support/conversations?text=hi", headers=auth(staff_token))

    # Latest change first: closing Alice's came after Bob's message.
    assert [c["id"] for c in everything.json()["items"]] == [alices, bobs]
    assert [c["id"] for c in open_only.json()["items"]] == [bobs]
    assert [c["customer"]["id"] for c in searched.json()["items"]] == [bob.id]
    assert by_id.json()["items"][0]["id"] == bobs
    assert by_id.json()["pages"] == 2
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid_list_query"


async def test_messages_come_in_pages_oldest_first(client, api_server):
    _, token = await person(client)
    conversation_id = await _conversation_with(api_server, token, "a", "b", "c")

    first = await client.get(
        f"/api/v1/support/conversations/{conversation_id}/messages?page_size=2",
        headers=auth(token),
    )
    newest = await client.get(
        f"/api/v1/support/conversations/{conversation_id}/messages?sort=-id&page_size=1",
        headers=auth(token),
    )

    assert first.status_code == 200
    assert [m["text"] for m in first.json()["items"]] == ["a", "b"]
    assert first.json()["total"] == 3 and first.json()["pages"] == 2
    assert newest.json()["items"][0]["text"] == "c"
    assert newest.json()["items"][0]["from_staff"] is False


async def test_another_customers_messages_answer_404(client, api_server):
    _, alice_token = await person(client)
    _, mallory_token = await person(client)
    alices = await _conversation_with(api_server, alice_token, "private")

    response = await client.get(
        f"/api/v1/support/conversations/{alices}/messages", headers=auth(mallory_token)
    )

    assert response.status_code == 404
    assert response.json()["code"] == "conversation_not_found"


async def test_staff_read_any_conversations_messages(client, api_server):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.admin)
    conversation_id = await _conversation_with(api_server, customer_token, "help")

    response = await client.get(
        f"/api/v1/support/conversations/{conversation_id}/messages", headers=auth(staff_token)
    )

    assert [m["text"] for m in response.json()["items"]] == ["help"]


async def test_a_customer_cannot_close_a_conversation(client, api_server):
    _, token = await person(client)
    conversation_id = await _conversation_with(api_server, token, "hi")

    response = await client.post(
        f"/api/v1/support/conversations/{conversation_id}/close", headers=auth(token)
    )

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_role"


async def test_closing_over_rest_tells_the_customers_socket(client, api_server):
    _, customer_token = await person(client)
    staff, staff_token = await person(client, RoleName.support)

    async with chat(api_server, customer_token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text="done, thanks")
        conversation_id = (await socket.next_of("message"))["conversation_id"]

        response = await client.post(
            f"/api/v1/support/conversations/{conversation_id}/close", headers=auth(staff_token)
        )
        event = await socket.next_of("conversation", event="closed")

    again = await client.post(
        f"/api/v1/support/conversations/{conversation_id}/close", headers=auth(staff_token)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["assigned_to_id"] == staff.id
    assert event["conversation"]["id"] == conversation_id
    assert again.status_code == 409
    assert again.json()["code"] == "conversation_closed"


async def test_the_conversation_routes_need_a_token(client):
    listing = await client.get("/api/v1/support/conversations")
    closing = await client.post("/api/v1/support/conversations/1/close")

    assert listing.status_code == 401
    assert closing.status_code == 401


async def test_metrics_count_open_sockets_and_messages(client, api_server):
    _, token = await person(client)
    label = 'shop_support_messages_total{author="customer"}'

    async with httpx.AsyncClient(base_url=api_server) as server:
        before = (await server.get("/metrics")).text
        async with chat(api_server, token) as socket:
            await socket.expect("history")
            await socket.send(type="message", text="counted")
            await socket.next_of("message")
            during = (await server.get("/metrics")).text
        after_close = await _wait_for_sample(server, "shop_support_open_sockets", before)

    assert _sample(during, "shop_support_open_sockets") == (
        _sample(before, "shop_support_open_sockets") + 1
    )
    assert _sample(during, label) == _sample(before, label, default=0) + 1
    assert after_close == _sample(before, "shop_support_open_sockets")


async def _wait_for_sample(server, name: str, before: str) -> float:
    """The gauge once the server has noticed the close (it may take a moment)."""
    import asyncio

    target = _sample(before, name)
    for _ in range(100):
        value = _sample((await server.get("/metrics")).text, name)
        if value == target:
            return value
        await asyncio.sleep(0.05)
    return value


async def test_a_nul_in_a_list_query_is_400(client):
    _, token = await person(client)
    for path in ("/api/v1/support/conversations", "/api/v1/orders", "/api/v1/products"):
        for params in ({"q": "a\x00b"}, {"status": "open\x00"}):
            response = await client.get(path, params=params, headers=auth(token))
            assert response.status_code == 400, (path, params, response.text)
            assert response.json()["code"] == "invalid_parameter"


def _sample(exposition: str, name: str, default: float | None = None) -> float:
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    if default is not None:
        return default
    raise AssertionError(f"{name} not in /metrics")


async def test_staff_list_the_unanswered_and_search_by_full_name(client, api_server):
    """The console's "unassigned" filter and its search on the name a customer goes by."""
    _, dana_token = await person(client, full_name="Dana Quillfeather")
    _, eli_token = await person(client, full_name="Eli Marsh")
    staff, staff_token = await person(client, RoleName.support)
    danas = await _conversation_with(api_server, dana_token, "hi")
    elis = await _conversation_with(api_server, eli_token, "hello")
    async with chat(api_server, staff_token) as agent:
        await agent.send(type="message", conversation_id=elis, text="On it")
        await agent.next_of("message", text="On it")

    unassigned = await client.get(
        "/api/v1/support/conversations?assigned=false", headers=auth(staff_token)
    )
    assigned = await client.get(
        "/api/v1/support/conversations?assigned=true", headers=auth(staff_token)
    )
    by_name = await client.get(
        "/api/v1/support/conversations?q=quillfeather", headers=auth(staff_token)
    )
    bad = await client.get(
        "/api/v1/support/conversations?assigned=maybe", headers=auth(staff_token)
    )

    assert [c["id"] for c in unassigned.json()["items"]] == [danas]
    assert [(c["id"], c["assigned_to_id"]) for c in assigned.json()["items"]] == [(elis, staff.id)]
    assert [c["id"] for c in by_name.json()["items"]] == [danas]
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_list_query"
