"""Customers and staff talking over real sockets, on one API process or two."""

import asyncio

from sqlalchemy import func, select

from app.core.config import settings
from app.models import RoleName, SupportConversation, SupportMessage
from tests.support.chat import chat, person


async def test_staff_see_a_new_conversation_and_answer_it(client, api_server):
    customer, customer_token = await person(client)
    staff, staff_token = await person(client, RoleName.support)

    async with chat(api_server, staff_token) as agent, chat(api_server, customer_token) as shopper:
        await shopper.expect("history")
        await shopper.send(type="message", text="Where is my order?", ref="c1")

        own = await shopper.expect("conversation", event="opened")
        mine = await shopper.expect("message", text="Where is my order?", ref="c1")
        assert own["conversation"]["id"] == mine["conversation_id"]
        assert mine["from_staff"] is False
        assert mine["author_id"] == customer.id
        assert mine["id"] > 0 and mine["created_at"]
        announced = await agent.expect("conversation", event="opened")
        conversation = announced["conversation"]
        assert conversation["id"] == mine["conversation_id"]
        assert conversation["customer"]["username"] == customer.username
        assert conversation["status"] == "open"
        # Every staff socket hears a customer's message, joined or not (no ref: not theirs).
        heard = await agent.expect("message", id=mine["id"], text="Where is my order?")
        assert "ref" not in heard

        await agent.send(type="join", conversation_id=conversation["id"])
        history = await agent.expect("history")
        assert [m["text"] for m in history["messages"]] == ["Where is my order?"]

        await agent.send(
            type="message", conversation_id=conversation["id"], text="On its way!", ref="s1"
        )
        assigned = await agent.expect("conversation", event="assigned")
        assert assigned["conversation"]["assigned_to_id"] == staff.id
        answer = await agent.next_of("message", text="On its way!", ref="s1")
        assert answer["from_staff"] is True
        await shopper.next_of("conversation")  # the customer sees it assigned, too
        received = await shopper.next_of("message", id=answer["id"], text="On its way!")
        assert "ref" not in received  # a ref goes back to its own socket only


async def test_each_side_gets_every_message_once_in_order(client, api_server):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.support)

    async with chat(api_server, customer_token) as shopper:
        await shopper.expect("history")
        await shopper.send(type="message", text="one")
        first = await shopper.next_of("message", text="one")
        conversation_id = first["conversation_id"]
        async with chat(api_server, staff_token) as agent:
            await agent.send(type="join", conversation_id=conversation_id)
            await agent.expect("history")
            for text in ("two", "three"):
                await shopper.send(type="message", text=text)
            await agent.send(type="message", conversation_id=conversation_id, text="four")
            await shopper.send(type="message", text="five")

            customer_view = [await shopper.next_of("message") for _ in range(4)]
            staff_view = [await agent.next_of("message") for _ in range(4)]
            # One more round trip each: a duplicate would have come before the pong.
            await shopper.ping()
            await agent.ping()

    # The customer's own messages come in the order sent; the agent's lands somewhere between.
    assert [m["text"] for m in customer_view if m["text"] != "four"] == ["two", "three", "five"]
    assert "four" in [m["text"] for m in customer_view]
    assert [m["id"] for m in staff_view] == [m["id"] for m in customer_view]
    for socket in (shopper, agent):
        ids = [f["id"] for f in socket.seen if f["type"] == "message"]
        assert len(ids) == len(set(ids))


async def test_messages_persist_and_history_replays_after_reconnect(client, api_server, db):
    _, token = await person(client)

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        for text in ("first", "second"):
            await socket.send(type="message", text=text)
            await socket.next_of("message", text=text)

    async with chat(api_server, token) as again:
        history = await again.expect("history")

    assert [m["text"] for m in history["messages"]] == ["first", "second"]
    assert history["conversation"]["status"] == "open"
    assert history["has_more"] is False
    stored = await db.scalars(select(SupportMessage.text).order_by(SupportMessage.id))
    assert list(stored) == ["first", "second"]


async def test_text_is_stored_and_sent_as_plain_text(client, api_server):
    _, token = await person(client)
    text = '<script>alert("hi")</script> & <b>bold</b> 🙂'

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text=text)
        echoed = await socket.next_of("message")

    assert echoed["text"] == text


async def test_an_oversized_message_is_refused_and_the_socket_stays_open(client, api_server, db):
    _, token = await person(client)
    too_long = "é" * (settings.support_message_max_bytes // 2 + 1)  # 2 bytes each in UTF-8

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text=too_long, ref="big")
        error = await socket.expect("error", code="message_too_long", ref="big")
        await socket.send(type="message", text="é" * (settings.support_message_max_bytes // 2))
        accepted = await socket.next_of("message")

    assert str(settings.support_message_max_bytes) in error["detail"]
    assert len(accepted["text"].encode()) == settings.support_message_max_bytes
    assert await db.scalar(select(func.count()).select_from(SupportMessage)) == 1


async def test_a_flood_is_refused_and_the_socket_stays_open(client, api_server, db):
    _, token = await person(client)
    limit = settings.support_rate_limit

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        for n in range(limit + 1):
            await socket.send(type="message", text=f"spam {n}", ref=str(n))
        answers = [await socket.next_of("message") for _ in range(limit)]
        error = await socket.next_of("error")
        await socket.ping()

    assert [m["ref"] for m in answers] == [str(n) for n in range(limit)]
    assert error["code"] == "rate_limited" and error["ref"] == str(limit)
    assert 1 <= error["retry_after"] <= settings.support_rate_window_seconds
    assert [f for f in socket.seen if f["type"] == "error"] == [error]
    assert await db.scalar(select(func.count()).select_from(SupportMessage)) == limit


async def test_a_malformed_frame_gets_an_error_and_the_socket_stays_open(client, api_server):
    _, token = await person(client)

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.ws.send("not json")
        await socket.expect("error", code="invalid_message")
        await socket.send(type="message", text="hi", html=True)
        await socket.expect("error", code="invalid_message")
        await socket.send(type="dance")
        await socket.expect("error", code="invalid_message")
        await socket.ws.send(b"\x00binary")
        await socket.expect("error", code="invalid_message")
        await socket.ping()


async def test_a_customer_cannot_write_in_or_read_another_customers_conversation(
    client, api_server, db
):
    _, alice_token = await person(client)
    _, mallory_token = await person(client)

    async with chat(api_server, alice_token) as alice:
        await alice.expect("history")
        await alice.send(type="message", text="my address is ...")
        alices = (await alice.next_of("message"))["conversation_id"]

        async with chat(api_server, mallory_token) as mallory:
            await mallory.expect("history")
            await mallory.send(type="message", conversation_id=alices, text="hi Alice")
            await mallory.expect("error", code="conversation_not_found")
            await mallory.send(type="join", conversation_id=alices)
            await mallory.expect("error", code="conversation_not_found")
            await mallory.send(type="typing", conversation_id=alices)
            await mallory.expect("error", code="conversation_not_found")
            await mallory.send(type="close", conversation_id=alices)
            await mallory.expect("error", code="insufficient_role")
            await mallory.ping()
        await alice.ping()

    assert not [f for f in alice.seen if f["type"] == "message" and f["text"] == "hi Alice"]
    texts = await db.scalars(
        select(SupportMessage.text).where(SupportMessage.conversation_id == alices)
    )
    assert list(texts) == ["my address is ..."]


async def test_a_customers_other_tabs_see_their_messages(client, api_server):
    _, token = await person(client)

    async with chat(api_server, token) as tab1, chat(api_server, token) as tab2:
        await tab1.expect("history")
        await tab2.expect("history")
        await tab1.send(type="message", text="from tab 1")
        sent = await tab1.next_of("message")
        assert (await tab2.next_of("message"))["id"] == sent["id"]


async def test_staff_close_a_conversation_and_the_next_message_opens_a_new_one(
    client, api_server, db
):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.admin)

    async with chat(api_server, customer_token) as shopper, chat(api_server, staff_token) as agent:
        await shopper.expect("history")
        await shopper.send(type="message", text="thanks, solved")
        first = (await shopper.next_of("message"))["conversation_id"]
        await agent.next_of("conversation")

        await agent.send(type="close", conversation_id=first)
        closed = await shopper.next_of("conversation")
        assert closed["event"] == "closed"
        assert closed["conversation"]["status"] == "closed"
        assert closed["conversation"]["closed_at"]
        await agent.send(type="message", conversation_id=first, text="one more thing")
        await agent.next_of("error", code="conversation_closed")

        await shopper.send(type="message", text="another question")
        second = (await shopper.next_of("message"))["conversation_id"]
        reopened = await agent.next_of("conversation")

    assert second != first
    assert reopened["event"] == "opened" and reopened["conversation"]["id"] == second
    statuses = dict(
        (await db.execute(select(SupportConversation.id, SupportConversation.status))).all()
    )
    assert statuses == {first: "closed", second: "open"}


async def test_typing_reaches_the_other_side_only(client, api_server):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.support)

    async with chat(api_server, customer_token) as shopper, chat(api_server, staff_token) as agent:
        await shopper.expect("history")
        await shopper.send(type="message", text="hello")
        conversation_id = (await shopper.next_of("message"))["conversation_id"]
        await agent.send(type="join", conversation_id=conversation_id)
        await agent.next_of("history")

        await shopper.send(type="typing")
        typing = await agent.next_of("typing")
        await agent.send(type="typing", conversation_id=conversation_id)
        answer_typing = await shopper.next_of("typing")
        await shopper.ping()

    assert typing["conversation_id"] == conversation_id and typing["from_staff"] is False
    assert answer_typing["from_staff"] is True
    assert [f for f in shopper.seen if f["type"] == "typing"] == [answer_typing]


async def test_customer_and_staff_on_two_api_processes_exchange_messages(
    client, api_server, second_api_server
):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.support)

    async with (
        chat(api_server, customer_token) as shopper,
        chat(second_api_server, staff_token) as agent,
    ):
        await shopper.expect("history")
        await shopper.send(type="message", text="hello from process one")
        sent = await shopper.next_of("message")
        announced = await agent.expect("conversation", event="opened")
        conversation_id = announced["conversation"]["id"]
        await agent.expect("message", id=sent["id"])  # heard before joining, too

        await agent.send(type="join", conversation_id=conversation_id)
        history = await agent.expect("history")
        await agent.send(
            type="message", conversation_id=conversation_id, text="hello from process two"
        )
        answer = await agent.next_of("message")
        received = await shopper.next_of("message")
        await shopper.send(type="message", text="got it")
        followup = await agent.next_of("message")

    assert [m["id"] for m in history["messages"]] == [sent["id"]]
    assert received["id"] == answer["id"] and received["text"] == "hello from process two"
    assert followup["text"] == "got it"


async def test_staff_hear_every_customer_message_live_but_only_joined_staff_answers(
    client, api_server
):
    """A console's list moves with the customers' messages without joining each
    conversation; what other agents answer stays in the conversations they joined."""
    _, customer_token = await person(client)
    _, answering_token = await person(client, RoleName.support)
    _, watching_token = await person(client, RoleName.admin)

    async with (
        chat(api_server, customer_token) as shopper,
        chat(api_server, answering_token) as agent,
        chat(api_server, watching_token) as console,
    ):
        await shopper.expect("history")
        await shopper.send(type="message", text="anyone there?")
        first = await shopper.next_of("message")
        await console.next_of("message", id=first["id"])
        await agent.next_of("message", id=first["id"])
        await agent.send(type="message", conversation_id=first["conversation_id"], text="Yes!")
        answer = await agent.next_of("message", text="Yes!")
        await shopper.next_of("message", id=answer["id"])
        await shopper.send(type="message", text="great, thanks")
        again = await shopper.next_of("message", text="great, thanks")
        await console.next_of("message", id=again["id"])
        await console.ping()

    heard = [f["id"] for f in console.seen if f["type"] == "message"]
    assert heard == [first["id"], again["id"]]  # never the agent's answer, each once


async def test_two_first_messages_at_once_share_one_conversation(client, api_server, db):
    _, token = await person(client)

    async with chat(api_server, token) as tab1, chat(api_server, token) as tab2:
        await tab1.expect("history")
        await tab2.expect("history")
        await asyncio.gather(
            tab1.send(type="message", text="tab one"), tab2.send(type="message", text="tab two")
        )
        ids = {(await tab1.next_of("message"))["conversation_id"] for _ in range(2)}

    assert len(ids) == 1
    assert await db.scalar(select(func.count()).select_from(SupportConversation)) == 1


async def test_text_keeps_its_spaces_and_line_breaks(client, api_server):
    _, token = await person(client)
    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text="  two spaces\nand a line  ")
        echoed = await socket.next_of("message")
        await socket.send(type="message", text=" \n\t ")
        blank = await socket.next_of("error")
    assert echoed["text"] == "  two spaces\nand a line  "
    assert blank["code"] == "invalid_message"


async def test_lost_pubsub_restarts_the_sockets_and_history_catches_up(client, api_server):
    """Redis drops the pub/sub connections: events sent meanwhile are gone, so sockets are
    closed with 1012 and a reconnect's history has everything."""
    from app.core.redis import redis

    _, token = await person(client)
    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text="before the drop")
        await socket.next_of("message")
        await redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        code, _ = await socket.closed()
    assert code == 1012

    async with chat(api_server, token) as again:
        history = await again.expect("history")
        await again.send(type="message", text="after the drop")
        after = await again.next_of("message")
    assert [m["text"] for m in history["messages"]] == ["before the drop"]
    assert after["text"] == "after the drop"


async def test_a_customer_hears_nothing_of_another_customers_chat(client, api_server):
    _, alice_token = await person(client)
    _, bob_token = await person(client)
    _, staff_token = await person(client, RoleName.support)

    async with (
        chat(api_server, alice_token) as alice,
        chat(api_server, bob_token) as bob,
        chat(api_server, staff_token) as agent,
    ):
        await alice.expect("history")
        await bob.expect("history")
        await bob.send(type="message", text="bob's secret")
        bobs = (await bob.next_of("message"))["conversation_id"]
        await agent.next_of("conversation", event="opened")
        await agent.send(type="join", conversation_id=bobs)
        await agent.next_of("history")
        await agent.send(type="typing", conversation_id=bobs)
        await bob.next_of("typing")
        await agent.send(type="message", conversation_id=bobs, text="for bob only")
        await bob.next_of("message", text="for bob only")
        await alice.ping()

    assert [f["type"] for f in alice.seen] == ["auth_ok", "history", "pong"]


async def test_another_customers_order_cannot_be_named(client, api_server, shop_order):
    _, token = await person(client)
    async with chat(api_server, token) as socket:
        await socket.expect("history")
        await socket.send(type="message", text="about this order", order_id=shop_order)
        error = await socket.next_of("error")
    assert error["code"] == "order_not_found"


async def test_staff_type_only_in_conversations_they_joined(client, api_server):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.support)
    async with chat(api_server, customer_token) as shopper, chat(api_server, staff_token) as agent:
        await shopper.expect("history")
        await shopper.send(type="message", text="hello")
        conversation_id = (await shopper.next_of("message"))["conversation_id"]
        await agent.send(type="typing", conversation_id=conversation_id)
        error = await agent.next_of("error")
        await agent.ping()
    assert error["code"] == "not_joined"


async def test_the_rate_limit_is_per_user_across_sockets_and_processes(
    client, api_server, second_api_server
):
    _, token = await person(client)
    limit = settings.support_rate_limit
    async with chat(api_server, token) as one, chat(second_api_server, token) as two:
        await one.expect("history")
        await two.expect("history")
        for n in range(limit):
            sender = one if n % 2 else two
            await sender.send(type="message", text=f"m{n}", ref=str(n))
            while (await sender.next_of("message")).get("ref") != str(n):
                pass  # the copy of an earlier message sent from the other socket
        await one.send(type="message", text="one too many", ref="x")
        error = await one.next_of("error")
    assert error["code"] == "rate_limited"
    assert error["ref"] == "x"


async def test_a_socket_sending_more_than_its_frames_is_refused_and_stays_open(client, api_server):
    """60 frames per socket per 10 s, of any kind; the 61st is refused with retry_after."""
    _, token = await person(client)

    async with chat(api_server, token) as socket:
        await socket.expect("history")
        for n in range(61):
            await socket.send(type="ping", ref=str(n))
        pongs = [await socket.next_of("pong") for _ in range(60)]
        error = await socket.next_of("error")

    assert [p["ref"] for p in pongs] == [str(n) for n in range(60)]
    assert error["code"] == "rate_limited" and "ref" not in error
    assert 1 <= error["retry_after"] <= 10


async def test_typing_notices_reach_the_other_side_once_every_two_seconds(client, api_server):
    _, customer_token = await person(client)
    _, staff_token = await person(client, RoleName.support)

    async with chat(api_server, customer_token) as shopper, chat(api_server, staff_token) as agent:
        await shopper.expect("history")
        await shopper.send(type="message", text="hello")
        conversation_id = (await shopper.next_of("message"))["conversation_id"]
        await agent.send(type="join", conversation_id=conversation_id)
        await agent.next_of("history")

        for _ in range(3):
            await shopper.send(type="typing")
        await shopper.send(type="message", text="still here")
        await agent.next_of("typing", conversation_id=conversation_id)
        await agent.next_of("message")

    assert [f["type"] for f in agent.seen].count("typing") == 1
