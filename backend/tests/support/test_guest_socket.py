"""A guest's live socket, opened by the order link's key: that order's events, nothing else."""

import httpx

from app.models import RoleName
from tests.support.chat import WAIT, auth, person, raw_socket

GUEST = {"name": "Gina Guest", "email": "gina@example.com", "phone": "+49 30 1234567"}


async def guest_order(http, shop, email: str) -> dict:
    response = await http.post(
        "/orders",
        json={
            "store_id": shop.store.id,
            "items": [{"product_id": shop.cake.id, "quantity": 1}],
            "guest": {**GUEST, "email": email},
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_guest_hears_their_order_live_and_no_other(client, shop, api_server):
    _, staff_token = await person(client, RoleName.support)
    async with httpx.AsyncClient(base_url=f"{api_server}/api/v1", timeout=WAIT) as http:
        mine = await guest_order(http, shop, "gina@example.com")
        theirs = await guest_order(http, shop, "sam@example.com")
        protocols = ["shop-support", f"order-key.{mine['access_key']}"]
        async with raw_socket(api_server, subprotocols=protocols) as socket:
            assert socket.ws.subprotocol == "shop-support"  # never the key itself
            hello = await socket.expect("auth_ok", staff=False, order_id=mine["id"])
            assert hello["user"] is None
            await socket.ping()

            for order in (theirs, mine):
                moved = await http.patch(
                    f"/orders/{order['id']}", json={"status": "paid"}, headers=auth(staff_token)
                )
                assert moved.status_code == 200, moved.text
            heard = await socket.next_of("order", event="paid")
            assert heard["order"]["id"] == mine["id"]
            assert heard["order"]["guest"]["name"] == "Gina Guest"
            assert all(f["order"]["id"] == mine["id"] for f in socket.seen if f["type"] == "order")

            # A guest's socket writes in its order's conversation only, never staff's frames.
            await socket.send(type="subscribe", board={"store_id": shop.store.id}, ref="m1")
            refused = await socket.next_of("error", ref="m1")
            assert refused["code"] == "invalid_message"

            # Staff renew the link: the old key's socket is closed at its next frame.
            renewed = await http.post(f"/orders/{mine['id']}/link", headers=auth(staff_token))
            assert renewed.status_code == 200
            await socket.send(type="ping", ref="after")
            code, reason = await socket.closed()
            assert code == 1008 and reason == "order link revoked"


async def test_a_wrong_order_key_opens_no_socket(client, shop, api_server):
    async with raw_socket(api_server, subprotocols=["shop-support", "order-key.nope"]) as socket:
        error = await socket.expect("error")
        assert error["code"] == "order_not_found"
        code, _ = await socket.closed()
        assert code == 1008
