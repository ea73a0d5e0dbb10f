"""A guest (an order placed without an account) chats about their order over the socket its
link's key opens; staff answer as they answer customers."""

import httpx
from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import RoleName, SupportConversation, SupportMessage
from tests.orders.test_guest_checkout import register_and_verify
from tests.support.chat import WAIT, auth, chat, person, raw_socket
from tests.support.test_guest_socket import guest_order


def key_protocols(order: dict) -> list[str]:
    return ["shop-support", f"order-key.{order['access_key']}"]


async def conversations_of(db, order_id: int) -> int:
    return await db.scalar(
        select(func.count())
        .select_from(SupportConversation)
        .where(SupportConversation.order_id == order_id)
    )


async def test_a_guest_asks_about_their_order_and_hears_staff_answer(client, shop, api_server):
    staff, staff_token = await person(client, RoleName.support)
    async with httpx.AsyncClient(base_url=f"{api_server}/api/v1", timeout=WAIT) as http:
        order = await guest_order(http, shop, "gina@example.com")
        async with (
            chat(api_server, staff_token) as agent,
            raw_socket(api_server, subprotocols=key_protocols(order)) as guest,
        ):
            await guest.expect("auth_ok", order_id=order["id"])
            empty = await guest.expect("history")
            assert empty["conversation"] is None and empty["messages"] == []

            await guest.send(
                type="message", text="Can I pick it up at noon?", order_id=order["id"], ref="g1"
            )
            opened = await guest.expect("conversation", event="opened")
            mine = await guest.expect("message", text="Can I pick it up at noon?", ref="g1")
            assert mine["from_staff"] is False and mine["author_id"] is None
            assert opened["conversation"]["order_id"] == order["id"]

            # The console sees who asks: the guest's name from the order, no account.
            announced = await agent.next_of("conversation", event="opened")
            conversation = announced["conversation"]
            assert conversation["customer"] is None
            assert conversation["guest_name"] == "Gina Guest"
            assert conversation["order_id"] == order["id"]
            await agent.next_of("message", id=mine["id"])
            listed = await http.get(
                "/support/conversations", params={"q": "gina"}, headers=auth(staff_token)
            )
            assert [c["guest_name"] for c in listed.json()["items"]] == ["Gina Guest"]

            await agent.send(type="join", conversation_id=conversation["id"])
            await agent.next_of("history")
            await agent.send(
                type="message", conversation_id=conversation["id"], text="Sure, see you!"
            )
            answer = await guest.next_of("message", text="Sure, see you!")
            assert answer["from_staff"] is True and answer["author_id"] == staff.id

            # A second message continues the one open conversation about the order.
            await guest.send(type="message", text="Thanks!", ref="g2")
            again = await guest.next_of("message", ref="g2")
            assert again["conversation_id"] == conversation["id"]

        # Back later with the link: the conversation is there.
        async with raw_socket(api_server, subprotocols=key_protocols(order)) as guest:
            await guest.expect("auth_ok")
            history = await guest.expect("history")
            assert history["conversation"]["id"] == conversation["id"]
            assert [(m["text"], m["from_staff"]) for m in history["messages"]] == [
                ("Can I pick it up at noon?", False),
                ("Sure, see you!", True),
                ("Thanks!", False),
            ]


async def test_an_order_key_opens_no_conversation_about_another_order(client, shop, api_server, db):
    async with httpx.AsyncClient(base_url=f"{api_server}/api/v1", timeout=WAIT) as http:
        mine = await guest_order(http, shop, "gina@example.com")
        theirs = await guest_order(http, shop, "sam@example.com")
        async with raw_socket(api_server, subprotocols=key_protocols(theirs)) as sam:
            await sam.expect("auth_ok")
            await sam.expect("history")
            await sam.send(type="message", text="Sam's question", ref="s1")
            their_conversation = (await sam.next_of("message", ref="s1"))["conversation_id"]

            async with raw_socket(api_server, subprotocols=key_protocols(mine)) as gina:
                await gina.expect("auth_ok")
                await gina.expect("history")
                await gina.send(type="message", text="About Sam's", order_id=theirs["id"], ref="a")
                assert (await gina.next_of("error", ref="a"))["code"] == "order_not_found"
                await gina.send(
                    type="message", text="Into Sam's", conversation_id=their_conversation, ref="b"
                )
                assert (await gina.next_of("error", ref="b"))["code"] == "conversation_not_found"
                await gina.send(type="join", conversation_id=their_conversation, ref="c")
                assert (await gina.next_of("error", ref="c"))["code"] == "conversation_not_found"
                # Sam's conversation never reached Gina's socket.
                await gina.ping()
                assert not [f for f in gina.seen if f["type"] in ("message", "conversation")]
            assert await conversations_of(db, mine["id"]) == 0

        # A revoked key writes nothing: its socket is closed at the message.
        _, staff_token = await person(client, RoleName.support)
        async with raw_socket(api_server, subprotocols=key_protocols(mine)) as gina:
            await gina.expect("auth_ok")
            await gina.expect("history")
            renewed = await http.post(f"/orders/{mine['id']}/link", headers=auth(staff_token))
            assert renewed.status_code == 200
            await gina.send(type="message", text="Still there?", ref="late")
            code, reason = await gina.closed()
            assert (code, reason) == (1008, "order link revoked")
            assert not [f for f in gina.seen if f["type"] == "message"]
        assert await conversations_of(db, mine["id"]) == 0


async def test_a_claimed_guest_conversation_is_in_the_account_s_list(
    client, shop, api_server, mail
):
    async with httpx.AsyncClient(base_url=f"{api_server}/api/v1", timeout=WAIT) as http:
        order = await guest_order(http, shop, "gina@example.com")
        async with raw_socket(api_server, subprotocols=key_protocols(order)) as guest:
            await guest.expect("auth_ok")
            await guest.expect("history")
            await guest.send(type="message", text="Is it gluten free?", ref="g")
            written = await guest.next_of("message", ref="g")

    gina = await register_and_verify(client, mail, "gina@example.com", "gina")
    listed = (await client.get("/api/v1/support/conversations", headers=gina)).json()["items"]
    assert [(c["id"], c["customer"]["username"], c["guest_name"]) for c in listed] == [
        (written["conversation_id"], "gina", None)
    ]
    messages = await client.get(
        f"/api/v1/support/conversations/{written['conversation_id']}/messages", headers=gina
    )
    assert [(m["text"], m["from_staff"]) for m in messages.json()["items"]] == [
        ("Is it gluten free?", False)
    ]
    # Their account's chat continues it.
    token = gina["Authorization"].removeprefix("Bearer ")
    async with chat(api_server, token) as account:
        history = await account.expect("history")
        assert history["conversation"]["id"] == written["conversation_id"]
        await account.send(type="message", text="And vegan?", ref="v")
        more = await account.next_of("message", ref="v")
        assert more["conversation_id"] == written["conversation_id"]


async def test_the_panel_names_a_guest_s_conversation_by_their_order(client, shop):
    from tests.admin.test_admin import logged_in_admin
    from tests.support.test_guest_socket import GUEST

    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": [{"product_id": shop.cake.id, "quantity": 1}],
            "guest": GUEST,
        },
    )
    assert placed.status_code == 201, placed.text
    async with SessionFactory() as session, session.begin():
        conversation = SupportConversation(customer_id=None, order_id=placed.json()["id"])
        session.add(conversation)
        await session.flush()
        session.add(
            SupportMessage(conversation_id=conversation.id, by_guest=True, text="Is it wrapped?")
        )
    await logged_in_admin(client)

    dashboard = await client.get("/admin/")
    listing = await client.get("/admin/support-conversation/list")
    details = await client.get(f"/admin/support-conversation/details/{conversation.id}")

    assert "Gina Guest (guest)" in dashboard.text
    assert "Gina Guest &lt;gina@example.com&gt; (guest)" in listing.text
    assert details.status_code == 200
    assert "Gina Guest &lt;gina@example.com&gt; (guest)" in details.text
    assert "Is it wrapped?" in details.text and "· guest" in details.text
