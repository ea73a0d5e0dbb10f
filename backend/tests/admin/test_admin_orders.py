"""Orders and money in /admin: visible, read-only where money is, status only by the rules,
cancel and refund only after a confirmation that says what happens."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import Order, Profile
from tests.admin.test_admin import EVIL, SAME_ORIGIN, logged_in_admin
from tests.factories import create_category, create_product, create_store, set_stock, user_headers
from tests.helpers import account_of, balance, credit, stock


async def paid_order(client, credited: str = "20.00") -> dict:
    category = await create_category("Beans")
    product = await create_product("Kenya AA", category.id, "9.00")
    store = await create_store("Dock Street")
    await set_stock(store.id, product.id, 4)
    user, headers = await user_headers(client, username="reader", full_name="Rita Reader")
    async with SessionFactory() as session, session.begin():
        profile = await session.get(Profile, user.id)
        assert profile is not None
        profile.phone = "+49 431 123456"
    account = await account_of(user.id)
    await credit(client, user.id, account, credited, "prov-admin-1")
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [{"product_id": product.id, "quantity": 2}],
            "pay_with_account_id": account,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return {
        **response.json(),
        "product_id": product.id,
        "store_id": store.id,
        "account_id": account,
    }


async def current_status(order_id: int) -> str:
    async with SessionFactory() as session:
        return (await session.scalars(select(Order.status).where(Order.id == order_id))).one()


async def test_orders_lines_accounts_and_transactions_are_listed(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    index = await client.get("/admin/")
    for label in ("Orders", "Order lines", "Money accounts", "Transactions", "Users"):
        assert label in index.text
    # Two different things are no longer both called "Accounts".
    assert ">Accounts<" not in index.text
    pages = {
        "/admin/order/list": order["number"],
        "/admin/order-item/list": "Kenya AA",
        "/admin/account/list": "2.00 EUR",  # 20.00 credited, 18.00 paid
        "/admin/transaction/list": "prov-admin-1",
        "/admin/transaction/list?kind=payment": "-18.00 EUR",
    }
    for path, text in pages.items():
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert text in response.text, path
    # The ledger names whose account it is, not "Account 1".
    ledger = await client.get("/admin/transaction/list")
    assert "Rita Reader &lt;reader@example.com&gt;" in ledger.text
    assert ">Account 1<" not in ledger.text
    accounts = await client.get("/admin/account/list")
    assert "Rita Reader &lt;reader@example.com&gt;" in accounts.text


async def test_the_order_page_shows_lines_prices_history_and_the_customer(client):
    order = await paid_order(client)
    admin = await logged_in_admin(client)

    detail = await client.get(f"/admin/order/details/{order['id']}")

    assert detail.status_code == 200
    text = detail.text
    # Lines with unit prices and totals, not "(2 x Kenya AA)".
    assert "Kenya AA" in text and "9.00 EUR" in text and "18.00 EUR" in text
    assert "(2 x Kenya AA)" not in text
    # The customer by name, e-mail and phone.
    assert "Rita Reader" in text and "reader@example.com" in text and "+49 431 123456" in text
    # The history with when and who.
    history = text.split("order-history")[1].split("</table>")[0]
    assert "<td>Placed</td>" in history and "<td>Paid</td>" in history
    assert "pending" not in history
    assert text.count("Rita Reader (customer)") == 2
    assert admin.username not in text.split("History")[1].split("</table>")[0]


async def test_money_pages_are_read_only(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    for path in (
        "/admin/account/create",
        f"/admin/account/edit/{order['account_id']}",
        "/admin/transaction/create",
        "/admin/transaction/edit/1",
        "/admin/order-item/edit/1",
        "/admin/order/create",
        f"/admin/order/edit/{order['id']}",
    ):
        assert (await client.get(path)).status_code == 403, path
    refused = await client.post(
        f"/admin/account/edit/{order['account_id']}",
        data={"balance": "1000000"},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 403
    # No delete, one row or many, of orders, accounts or transactions.
    for identity, pk in (
        ("transaction", 1),
        ("account", order["account_id"]),
        ("order", order["id"]),
    ):
        deleted = await client.delete(f"/admin/{identity}/delete?pks={pk}", headers=SAME_ORIGIN)
        assert deleted.status_code == 403, identity
        listing = await client.get(f"/admin/{identity}/list")
        assert "Delete selected items" not in listing.text, identity
    assert await balance(order["account_id"]) == 2
    assert await current_status(order["id"]) == "paid"


async def test_the_order_offers_only_its_allowed_next_statuses(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    page = f"/admin/order/details/{order['id']}"
    move = f"/admin/order/move/{order['id']}"

    before = await client.get(page)
    skip = await client.post(move, data={"to": "completed"}, headers=SAME_ORIGIN)
    skipped = await client.get(skip.headers["location"])
    quiet_cancel = await client.post(move, data={"to": "cancelled"}, headers=SAME_ORIGIN)
    await client.get(quiet_cancel.headers["location"])
    forward = await client.post(move, data={"to": "preparing"}, headers=SAME_ORIGIN)
    after = await client.get(forward.headers["location"])

    # Paid: "preparing" is the one move offered, with Refund… for cancelling; no dropdown
    # of all six statuses.
    offered = sorted(set(re.findall(r'name="to" value="(\w+)"', before.text)))
    assert offered == ["preparing"]
    assert "Refund…" in before.text and "Cancel…" not in before.text
    assert "cannot go from paid to completed" in skipped.text
    assert await current_status(order["id"]) == "preparing"
    assert "is being prepared now" in after.text
    assert sorted(set(re.findall(r'name="to" value="(\w+)"', after.text))) == ["ready"]
    assert "Refund…" not in after.text


async def test_refunding_states_the_amount_and_the_stock_before_it_happens(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    confirm = await client.get(f"/admin/order/action/refund?pks={order['id']}")
    # Opening the confirmation changes nothing.
    assert await current_status(order["id"]) == "paid"
    assert await balance(order["account_id"]) == 2

    assert confirm.status_code == 200
    assert f"Refund and cancel order {order['number']}?" in confirm.text
    assert "18.00 EUR goes back to money account" in confirm.text
    assert "Back to the stock of Dock Street: 2 x Kenya AA." in confirm.text
    assert 'method="post"' in confirm.text

    done = await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)
    shown = await client.get(done.headers["location"])

    assert f"Order {order['number']} is cancelled; 18.00 EUR refunded." in shown.text
    assert await current_status(order["id"]) == "cancelled"
    assert await balance(order["account_id"]) == 20
    assert await stock(order["store_id"], order["product_id"]) == 4
    assert "Cancelled (was Paid)" in shown.text


async def test_cancel_and_refund_each_refuse_the_other_case(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    cancel_paid = await client.get(f"/admin/order/action/cancel?pks={order['id']}")

    assert "is paid: Refund… cancels it and returns the money" in cancel_paid.text
    assert 'method="post"' not in cancel_paid.text


async def test_cross_site_cancel_is_refused(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    evil = await client.post(f"/admin/order/cancel/{order['id']}", headers=EVIL)

    assert evil.status_code == 403
    assert await current_status(order["id"]) == "paid"


async def test_deleting_in_the_panel_only_finished_orders(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    refused = await client.post(f"/admin/order/hide/{order['id']}", headers=SAME_ORIGIN)
    shown = await client.get(refused.headers["location"])
    assert f"Order {order['number']} is paid." in shown.text
    assert await current_status(order["id"]) == "paid"

    cancelled = await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)
    await client.get(cancelled.headers["location"])
    deleted = await client.post(f"/admin/order/hide/{order['id']}", headers=SAME_ORIGIN)
    assert deleted.status_code == 302
    assert "The order was deleted." in (await client.get(deleted.headers["location"])).text
    assert order["number"] not in (await client.get("/admin/order/list")).text
    assert (await client.get(f"/admin/order/details/{order['id']}")).status_code == 404
    # The ledger still names the order: payment and refund stay as they were.
    ledger = (await client.get("/admin/transaction/list")).text
    assert ledger.count(order["number"]) == 2


async def test_orders_to_prepare_per_store_and_a_csv_of_a_date_range(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    today = datetime.now(UTC).date()

    listing = await client.get("/admin/order/list")
    preset = re.search(r'href="([^"]+)">To prepare at Dock Street<', listing.text)
    assert preset is not None
    to_prepare = await client.get(preset.group(1).replace("&amp;", "&"))
    csv_today = await client.get(
        "/admin/order/export-range", params={"from": today.isoformat(), "to": today.isoformat()}
    )
    csv_before = await client.get(
        "/admin/order/export-range",
        params={
            "from": (today - timedelta(days=30)).isoformat(),
            "to": (today - timedelta(days=1)).isoformat(),
        },
    )
    bad = await client.get("/admin/order/export-range", params={"from": "yesterday", "to": "x"})

    assert order["number"] in to_prepare.text
    assert csv_today.status_code == 200
    assert csv_today.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_today.text)))
    assert rows[0][:3] == ["number", "placed_at_utc", "status"]
    assert rows[1][0] == order["number"] and rows[1][2] == "paid"
    assert rows[1][3:][:4] == ["Dock Street", "Rita Reader", "reader@example.com", "+49 431 123456"]
    assert rows[1][-2:] == ["18.00", "EUR"]
    assert len(list(csv.reader(io.StringIO(csv_before.text)))) == 1
    assert bad.status_code == 400


async def test_refunding_a_card_paid_order_says_the_card_and_refunds_through_the_provider(client):
    from tests.payments.card_helpers import attempts, card_order, notify

    category = await create_category("Beans")
    product = await create_product("Kenya AA", category.id, "9.00")
    store = await create_store("Dock Street")
    await set_stock(store.id, product.id, 4)
    _, headers = await user_headers(client, username="carder")
    placed = await card_order(
        client, headers, store.id, [{"product_id": product.id, "quantity": 2}]
    )
    order = placed.json()
    [attempt] = await attempts(order["id"])
    assert (await notify(client, attempt)).json()["status"] == "paid"
    await logged_in_admin(client)

    confirm = await client.get(f"/admin/order/action/refund?pks={order['id']}")

    assert "18.00 EUR goes back to the customer&#39;s card through test" in confirm.text
    done = await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)
    shown = await client.get(done.headers["location"])
    assert f"Order {order['number']} is cancelled; 18.00 EUR refunded." in shown.text
    assert [a.status for a in await attempts(order["id"])] == ["refunded"]
    assert await stock(store.id, product.id) == 4


async def test_an_order_paid_at_the_counter_is_cancelled_and_recorded_as_given_back_there(client):
    import uuid

    from app.models import RoleName

    category = await create_category("Beans")
    kenya = await create_product("Kenya AA", category.id, "9.00")
    cake = await create_product("Carrot cake", category.id, "4.00")
    store = await create_store("Dock Street")
    await set_stock(store.id, kenya.id, 4)
    await set_stock(store.id, cake.id, 4)
    _, customer = await user_headers(client, username="cashpayer")
    _, staff = await user_headers(client, role=RoleName.admin, username="till")
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [
                {"product_id": kenya.id, "quantity": 2},
                {"product_id": cake.id, "quantity": 1},
            ],
        },
        headers=customer,
    )
    order = placed.json()
    paid = await client.patch(
        f"/api/v1/orders/{order['id']}", json={"status": "paid"}, headers=staff
    )
    assert paid.json()["payment"] == "counter"
    cake_line = next(i for i in order["items"] if i["product_id"] == cake.id)
    line_refund = await client.post(
        f"/api/v1/orders/{order['id']}/refunds",
        json={"item_id": cake_line["id"], "quantity": 1, "reason": "dropped it"},
        headers={**staff, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert line_refund.status_code == 201, line_refund.text
    await logged_in_admin(client)

    confirm = await client.get(f"/admin/order/action/refund?pks={order['id']}")

    assert f"Refund and cancel order {order['number']}?" in confirm.text
    assert "18.00 EUR was paid at the counter: hand it back there in cash" in confirm.text
    assert "Back to the stock of Dock Street: 2 x Kenya AA." in confirm.text
    done = await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)
    shown = await client.get(done.headers["location"])
    assert f"Order {order['number']} is cancelled; 18.00 EUR refunded." in shown.text
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=customer)).json()
    assert (detail["status"], detail["payment"]) == ("cancelled", "refunded")
    assert [(r["method"], r["amount"], r["item_id"]) for r in detail["refunds"]] == [
        ("counter", "4.00", cake_line["id"]),
        ("counter", "18.00", None),
    ]
    assert detail["refunded_total"] == detail["total"] == "22.00"
    assert await stock(store.id, kenya.id) == 4
    assert await stock(store.id, cake.id) == 4
