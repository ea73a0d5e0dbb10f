"""Order events over the live socket, on real uvicorn processes: the owner and the staff
watching the store's board hear them, once and only after commit; nobody else does."""

import json
from contextlib import asynccontextmanager

import httpx

from app.core.db import SessionFactory
from app.core.redis import redis
from app.models import RoleName
from app.orders import service as orders_service
from tests.factories import create_store
from tests.helpers import account_of, credit
from tests.support.chat import WAIT, auth, chat, person


@asynccontextmanager
async def api(server: str):
    """Plain HTTP to a uvicorn process, so the event is published by that process."""
    async with httpx.AsyncClient(base_url=f"{server}/api/v1", timeout=WAIT) as http:
        yield http


async def watch(socket, store_id: int) -> None:
    await socket.send(type="subscribe", board={"store_id": store_id}, ref=f"board {store_id}")
    await socket.expect("subscribed", board={"store_id": store_id}, ref=f"board {store_id}")


async def place(http, token: str, store_id: int, *pairs, **extra) -> httpx.Response:
    return await http.post(
        "/orders",
        json={
            "store_id": store_id,
            "items": [{"product_id": p.id, "quantity": q} for p, q in pairs],
            **extra,
        },
        headers=auth(token),
    )


async def set_status(http, token: str, order_id: int, status: str) -> dict:
    response = await http.patch(f"/orders/{order_id}", json={"status": status}, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()


def order_frames(socket) -> list[dict]:
    return [f for f in socket.seen if f["type"] == "order"]


async def test_events_reach_the_owner_and_the_stores_board_across_processes_and_nobody_else(
    client, shop, api_server, second_api_server
):
    owner, owner_token = await person(client, full_name="Dana Customer")
    _, other_token = await person(client)
    _, barista_token = await person(client, RoleName.support)
    _, other_store_staff_token = await person(client, RoleName.admin)

    async with (
        chat(api_server, owner_token) as owner_socket,
        chat(api_server, other_token) as other_customer,
        chat(api_server, other_store_staff_token) as other_board,
        chat(second_api_server, barista_token) as board,
        api(api_server) as http_one,
        api(second_api_server) as http_two,
    ):
        await owner_socket.expect("history")
        await other_customer.expect("history")
        await watch(board, shop.store.id)
        await watch(other_board, shop.other_store.id)

        placed = await place(http_one, owner_token, shop.store.id, (shop.coffee, 2), (shop.cake, 1))
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["id"]
        owner_placed = await owner_socket.next_of("order")
        board_placed = await board.expect("order")
        assert owner_placed == board_placed
        assert owner_placed["event"] == "placed" and owner_placed["from_status"] is None
        order = owner_placed["order"]
        assert order["id"] == order_id
        assert order["number"] == placed.json()["number"]
        assert order["store"]["id"] == shop.store.id
        assert (order["status"], order["payment"]) == ("pending", "unpaid")
        assert (order["total"], order["currency"]) == ("11.25", placed.json()["currency"])
        assert [(line["product_name"], line["quantity"]) for line in order["items"]] == [
            ("Flat white", 2),
            ("Cheesecake", 1),
        ]
        assert order["customer_name"] == "Dana Customer"
        assert order["user_id"] == owner.id
        assert order["created_at"] == placed.json()["created_at"]
        assert owner.email not in json.dumps(owner_placed)

        # The barista, on the other process, takes the money at the counter and serves it.
        moves = [
            ("paid", "paid", "pending"),
            ("preparing", "status_changed", "paid"),
            ("ready", "status_changed", "preparing"),
            ("completed", "status_changed", "ready"),
        ]
        for status, event, from_status in moves:
            await set_status(http_two, barista_token, order_id, status)
            for socket in (owner_socket, board):
                frame = await socket.next_of("order")
                assert (frame["event"], frame["from_status"]) == (event, from_status), frame
                assert frame["order"]["status"] == status
                assert frame["order"]["payment"] == "counter"

        # The last event shows the order exactly as the REST API does.
        detail = (await http_one.get(f"/orders/{order_id}", headers=auth(owner_token))).json()
        detail.pop("history")
        detail.pop("payments")  # staff only, and not in the event
        assert order_frames(board)[-1]["order"] == detail

        # Both sockets left hearing nothing share the owner's process, which has delivered
        # every event by now: anything of theirs would have come before the pong.
        await other_customer.ping()
        await other_board.ping()
        await owner_socket.ping()
        await board.ping()

    assert [f["type"] for f in other_customer.seen] == ["auth_ok", "history", "pong"]
    assert [f["type"] for f in other_board.seen] == ["auth_ok", "subscribed", "pong"]
    assert len(order_frames(owner_socket)) == len(order_frames(board)) == 5


async def test_ready_reaches_the_owners_socket_after_it_is_committed(
    client, shop, api_server, second_api_server
):
    owner, owner_token = await person(client)
    _, staff_token = await person(client, RoleName.admin)
    account = await account_of(owner.id)
    await credit(client, owner.id, account, "20.00")

    async with (
        chat(second_api_server, owner_token) as owner_socket,
        api(api_server) as http,
        api(second_api_server) as owners_http,
    ):
        await owner_socket.expect("history")
        placed = await place(
            http, owner_token, shop.store.id, (shop.beans, 1), pay_with_account_id=account
        )
        order_id = placed.json()["id"]
        first = await owner_socket.next_of("order")
        await set_status(http, staff_token, order_id, "preparing")
        await owner_socket.next_of("order")
        await set_status(http, staff_token, order_id, "ready")
        ready = await owner_socket.next_of("order")
        # Published only after the commit: the owner's page, reloading now, sees it too.
        seen_by_rest = await owners_http.get(f"/orders/{order_id}", headers=auth(owner_token))

    # Paid at checkout: one `placed` event, already paid from the balance.
    assert (first["event"], first["order"]["status"]) == ("placed", "paid")
    assert first["order"]["payment"] == "account"
    assert (ready["event"], ready["from_status"]) == ("status_changed", "preparing")
    assert ready["order"]["status"] == "ready"
    assert seen_by_rest.json()["status"] == "ready"
    assert [f["order"]["status"] for f in order_frames(owner_socket)] == [
        "paid",
        "preparing",
        "ready",
    ]


async def test_a_rolled_back_change_publishes_nothing(client, shop, api_server):
    staff, staff_token = await person(client, RoleName.support)
    _, owner_token = await person(client)

    async with chat(api_server, staff_token) as board, api(api_server) as http:
        await watch(board, shop.store.id)
        placed = await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        order_id = placed.json()["id"]
        await board.expect("order", event="placed")
        # A change made and then rolled back, in this process: its event must never leave.
        async with SessionFactory() as session:
            changed = await orders_service.change_status(session, staff, order_id, "paid")
            assert changed.status == "paid"
            await session.rollback()
        # A committed change after it, through the same publisher: it comes first.
        cancelled = await client.patch(
            f"/api/v1/orders/{order_id}", json={"status": "cancelled"}, headers=auth(staff_token)
        )
        assert cancelled.status_code == 200, cancelled.text
        frame = await board.expect("order")
        await board.ping()

    assert (frame["event"], frame["from_status"]) == ("cancelled", "pending")
    assert frame["order"]["status"] == "cancelled"
    assert len(order_frames(board)) == 2


async def test_a_checkout_that_fails_publishes_nothing(client, shop, api_server):
    owner, owner_token = await person(client)
    _, staff_token = await person(client, RoleName.support)
    account = await account_of(owner.id)
    await credit(client, owner.id, account, "5.00")

    async with (
        chat(api_server, owner_token) as owner_socket,
        chat(api_server, staff_token) as board,
        api(api_server) as http,
    ):
        await owner_socket.expect("history")
        await watch(board, shop.store.id)
        short = await place(http, owner_token, shop.store.id, (shop.beans, 4))
        # The order row is written, then the payment fails and the transaction rolls back.
        unpaid = await place(
            http, owner_token, shop.store.id, (shop.beans, 1), pay_with_account_id=account
        )
        good = await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        owners = await owner_socket.next_of("order")
        boards = await board.expect("order")

    assert short.json()["code"] == "out_of_stock"
    assert unpaid.json()["code"] == "insufficient_funds"
    assert owners["order"]["id"] == boards["order"]["id"] == good.json()["id"]
    assert owners["event"] == "placed"


async def test_a_customer_cannot_watch_a_board_and_hears_no_one_elses_orders(
    client, shop, api_server
):
    _, nosy_token = await person(client)
    _, owner_token = await person(client)

    async with (
        chat(api_server, nosy_token) as nosy,
        chat(api_server, owner_token) as owner_socket,
        api(api_server) as http,
    ):
        await nosy.expect("history")
        await owner_socket.expect("history")
        await nosy.send(type="subscribe", board={"store_id": shop.store.id}, ref="peek")
        refused = await nosy.expect("error", ref="peek")
        await nosy.send(type="unsubscribe", board={"store_id": shop.store.id})
        await nosy.expect("error", code="insufficient_role")
        placed = await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        await http.post(f"/orders/{placed.json()['id']}/cancel", headers=auth(owner_token))
        # There is no frame to follow someone else's order at all.
        await nosy.send(type="subscribe", order={"id": placed.json()["id"]})
        await nosy.expect("error", code="invalid_message")
        await owner_socket.next_of("order", event="placed")
        await owner_socket.next_of("order", event="cancelled")
        await nosy.ping()

    assert refused["code"] == "insufficient_role"
    assert refused["title"] and refused["detail"]
    assert not order_frames(nosy)


async def test_subscribing_checks_the_store_and_unsubscribing_stops_the_events(
    client, shop, api_server
):
    _, staff_token = await person(client, RoleName.support)
    _, owner_token = await person(client)
    inactive = await create_store("Closed for good", is_active=False)

    async with (
        chat(api_server, staff_token) as board,
        chat(api_server, owner_token) as owner_socket,
        api(api_server) as http,
    ):
        await owner_socket.expect("history")
        await board.send(type="subscribe", board={"store_id": 999_999}, ref="nowhere")
        missing = await board.expect("error", ref="nowhere")
        for bad in ({}, {"store_id": 0}, {"store_id": 2**63}, {"store_id": 1, "extra": 1}):
            await board.send(type="subscribe", board=bad)
            await board.expect("error", code="invalid_message")
        await watch(board, inactive.id)  # its remaining orders still need serving
        await watch(board, shop.store.id)
        await watch(board, shop.store.id)  # twice is once
        await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        await board.expect("order", event="placed")

        await board.send(type="unsubscribe", board={"store_id": shop.store.id}, ref="bye")
        await board.expect("unsubscribed", board={"store_id": shop.store.id}, ref="bye")
        await place(http, owner_token, shop.store.id, (shop.cake, 1))
        await owner_socket.next_of("order", event="placed")
        await owner_socket.next_of("order", event="placed")
        await board.ping()

    assert missing["code"] == "store_not_found"
    assert len(order_frames(board)) == 1


async def test_a_socket_watches_a_bounded_number_of_boards(client, api_server):
    from app.support.hub import MAX_BOARDS_PER_SOCKET

    _, staff_token = await person(client, RoleName.admin)
    stores = [await create_store(f"Branch {n}") for n in range(MAX_BOARDS_PER_SOCKET + 1)]
    async with chat(api_server, staff_token) as board:
        for store in stores[:-1]:
            await watch(board, store.id)
        await board.send(type="subscribe", board={"store_id": stores[-1].id})
        error = await board.expect("error")
        await board.send(type="unsubscribe", board={"store_id": stores[0].id})
        await board.expect("unsubscribed")
        await watch(board, stores[-1].id)
    assert error["code"] == "too_many_boards"


async def test_staff_ordering_at_a_store_they_watch_hear_each_event_once(client, shop, api_server):
    _, staff_token = await person(client, RoleName.support)
    async with chat(api_server, staff_token) as board, api(api_server) as http:
        await watch(board, shop.store.id)
        placed = await place(http, staff_token, shop.store.id, (shop.coffee, 1))
        await board.expect("order", event="placed")
        await board.ping()
    assert placed.status_code == 201
    assert len(order_frames(board)) == 1


async def test_a_lost_pubsub_connection_closes_boards_with_1012_and_they_resubscribe(
    client, shop, api_server
):
    _, staff_token = await person(client, RoleName.support)
    _, owner_token = await person(client)
    async with chat(api_server, staff_token) as board:
        await watch(board, shop.store.id)
        await redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        code, _ = await board.closed()
    assert code == 1012

    async with chat(api_server, staff_token) as board, api(api_server) as http:
        await watch(board, shop.store.id)
        placed = await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        frame = await board.expect("order")
    assert frame["order"]["id"] == placed.json()["id"]


async def test_a_status_set_in_the_admin_panel_reaches_the_board(client, shop, api_server):
    from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin

    _, owner_token = await person(client)
    _, staff_token = await person(client, RoleName.support)
    async with chat(api_server, staff_token) as board, api(api_server) as http:
        await watch(board, shop.store.id)
        placed = await place(http, owner_token, shop.store.id, (shop.coffee, 1))
        await board.expect("order", event="placed")
        await logged_in_admin(client)
        saved = await client.post(
            f"/admin/order/move/{placed.json()['id']}", data={"to": "paid"}, headers=SAME_ORIGIN
        )
        frame = await board.expect("order")
    assert saved.status_code == 302
    assert (frame["event"], frame["order"]["status"], frame["order"]["payment"]) == (
        "paid",
        "paid",
        "counter",
    )
