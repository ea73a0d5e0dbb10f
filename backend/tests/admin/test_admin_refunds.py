"""Refunding a line in /admin: the order page lists its payments and refunds with the
provider's ids, and an admin refunds one line or part of it through a form that says what
happens, asks to confirm, and refunds once however often it is sent."""

import re

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import OrderRefund, RoleName
from tests.admin.test_admin import EVIL, SAME_ORIGIN, admin_login, logged_in_admin
from tests.admin.test_admin_orders import paid_order
from tests.factories import create_user
from tests.helpers import balance, stock
from tests.orders.test_line_refunds import card_paid
from tests.payments.card_helpers import attempts


async def refunds_of(order_id: int) -> list[tuple[int, str, str]]:
    async with SessionFactory() as session:
        rows = await session.scalars(
            select(OrderRefund).where(OrderRefund.order_id == order_id).order_by(OrderRefund.id)
        )
        return [(r.quantity, str(r.amount), r.reason) for r in rows]


async def test_an_admin_refunds_one_unit_of_a_line_from_the_order_page_once(client):
    order = await paid_order(client)  # 2 x Kenya AA at 9.00, paid from the balance (20 -> 2)
    await logged_in_admin(client)
    item_id = order["items"][0]["id"]

    page = await client.get(f"/admin/order/details/{order['id']}")
    form = await client.get(f"/admin/order/refund-line/{order['id']}?item={item_id}")
    key = re.search(r'name="key" value="(\w+)"', form.text)
    assert key is not None
    untouched = await balance(order["account_id"])
    sent = {"item": str(item_id), "quantity": "1", "reason": "beans spilled", "key": key[1]}
    done = await client.post(
        f"/admin/order/refund-line/{order['id']}", data=sent, headers=SAME_ORIGIN
    )
    shown = await client.get(done.headers["location"])
    again = await client.post(
        f"/admin/order/refund-line/{order['id']}", data=sent, headers=SAME_ORIGIN
    )

    # The order page: the payment with its ledger entry, nothing refunded, "Refund line…" per line.
    assert "From money account" in page.text and "Nothing refunded." in page.text
    assert f"/admin/order/refund-line/{order['id']}?item={item_id}" in page.text
    # The form says what happens, asks to confirm (the CSP-safe script), and opening it
    # changes nothing.
    assert "2 left to refund" in form.text
    assert f"goes back to money account {order['account_id']}" in form.text
    assert 'data-confirm="Refund Kenya AA of order' in form.text
    assert "confirm.js" in form.text and "onsubmit" not in form.text
    assert untouched == 2
    # Refunded: said on the page, listed with the reason and who did it; money and stock back.
    assert done.status_code == 302
    assert "Refunded 1 x Kenya AA, 9.00 EUR." in shown.text
    refunds = shown.text.split('class="table card-table table-vcenter order-refunds"')[1]
    assert "beans spilled" in refunds and "To the balance" in refunds and "(admin)" in refunds
    assert await balance(order["account_id"]) == 11
    assert await stock(order["store_id"], order["product_id"]) == 3
    # The same form sent again refunds nothing more.
    assert again.status_code == 302
    assert await refunds_of(order["id"]) == [(1, "9.00", "beans spilled")]
    assert await balance(order["account_id"]) == 11


async def test_the_panel_refuses_more_than_is_left_and_says_so(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    item_id = order["items"][0]["id"]

    done = await client.post(
        f"/admin/order/refund-line/{order['id']}",
        data={"item": str(item_id), "quantity": "3", "reason": "too many", "key": "k"},
        headers=SAME_ORIGIN,
    )
    shown = await client.get(done.headers["location"])

    assert "Only 2 of 2 x Kenya AA are left to refund." in shown.text
    assert await refunds_of(order["id"]) == []


async def test_support_sees_payments_but_may_not_refund_and_no_site_may_post(client):
    order = await paid_order(client)
    item_id = order["items"][0]["id"]
    support = await create_user(role=RoleName.support, username="sam")
    assert (await admin_login(client, support.username)).status_code == 302

    page = await client.get(f"/admin/order/details/{order['id']}")
    form = await client.get(f"/admin/order/refund-line/{order['id']}?item={item_id}")
    posted = await client.post(
        f"/admin/order/refund-line/{order['id']}",
        data={"item": str(item_id), "quantity": "1", "reason": "x", "key": "k"},
        headers=SAME_ORIGIN,
    )
    await logged_in_admin(client)
    evil = await client.post(
        f"/admin/order/refund-line/{order['id']}",
        data={"item": str(item_id), "quantity": "1", "reason": "x", "key": "k"},
        headers=EVIL,
    )

    assert page.status_code == 200 and "From money account" in page.text
    assert "/refund-line/" not in page.text
    assert form.status_code == 403 and posted.status_code == 403
    assert evil.status_code == 403
    assert await refunds_of(order["id"]) == []
    assert await balance(order["account_id"]) == 2


async def test_a_card_paid_order_lists_its_attempt_and_refund_with_the_providers_ids(client, shop):
    order, _ = await card_paid(client, shop, (shop.coffee, 2))
    await logged_in_admin(client)
    item_id = order["items"][0]["id"]

    form = await client.get(f"/admin/order/refund-line/{order['id']}?item={item_id}")
    await client.post(
        f"/admin/order/refund-line/{order['id']}",
        data={"item": str(item_id), "quantity": "2", "reason": "machine broke", "key": "c1"},
        headers=SAME_ORIGIN,
    )
    page = await client.get(f"/admin/order/details/{order['id']}")

    assert "goes back to the customer&#39;s card" in form.text
    payments = page.text.split("order-payments")[1].split("</table>")[0]
    assert "Card (test)" in payments
    [attempt] = await attempts(order["id"])
    assert attempt.provider_reference in payments and attempt.payment_id in payments
    refunds = page.text.split("order-refunds")[1].split("</table>")[0]
    assert "To the card" in refunds and "test-refund:" in refunds and "machine broke" in refunds
    assert "7.00 EUR" in refunds
    # Every unit refunded: no "Refund line…" left.
    assert "/refund-line/" not in page.text


async def test_the_dashboards_revenue_of_the_day_subtracts_the_refunds_made_today(client):
    order = await paid_order(client)  # 18.00 paid today at Dock Street
    await logged_in_admin(client)

    def dock_street(page: str) -> str:
        return page.split("Dock Street</td>")[1].split("</tr>")[0]

    before = await client.get("/admin/")
    await client.post(
        f"/admin/order/refund-line/{order['id']}",
        data={"item": str(order["items"][0]["id"]), "quantity": "1", "reason": "x", "key": "d"},
        headers=SAME_ORIGIN,
    )
    after = await client.get("/admin/")

    assert "18.00 EUR" in dock_street(before.text)
    assert "9.00 EUR" in dock_street(after.text) and "18.00 EUR" not in dock_street(after.text)
