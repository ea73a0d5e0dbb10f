"""Orders and money in /admin: visible, read-only where money is, status only by the rules."""

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import Order
from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin
from tests.factories import create_category, create_product, create_store, set_stock, user_headers
from tests.helpers import account_of, balance, credit, stock


async def paid_order(client) -> dict:
    category = await create_category("Beans")
    product = await create_product("Kenya AA", category.id, "9.00")
    store = await create_store("Dock Street")
    await set_stock(store.id, product.id, 4)
    user, headers = await user_headers(client, username="reader")
    account = await account_of(user.id)
    await credit(client, user.id, account, "20.00", "prov-admin-1")
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


async def test_orders_items_accounts_and_transactions_are_listed(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    index = await client.get("/admin/")
    for label in ("Orders", "Order items", "Accounts", "Transactions"):
        assert label in index.text
    pages = {
        "/admin/order/list": order["number"],
        f"/admin/order/details/{order['id']}": "pending -&gt; paid",
        "/admin/order-item/list": "Kenya AA",
        "/admin/account/list": "2.00",  # 20.00 credited, 18.00 paid
        "/admin/transaction/list": "prov-admin-1",
        "/admin/transaction/list?kind=payment": "-18.00",
    }
    for path, text in pages.items():
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert text in response.text, path


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
    ):
        assert (await client.get(path)).status_code == 403, path
    refused = await client.post(
        f"/admin/account/edit/{order['account_id']}",
        data={"balance": "1000000"},
        headers=SAME_ORIGIN,
    )
    deleted = await client.delete("/admin/transaction/delete?pks=1", headers=SAME_ORIGIN)
    assert refused.status_code == 403
    assert deleted.status_code == 403
    assert await balance(order["account_id"]) == 2
    assert await current_status(order["id"]) == "paid"


async def test_status_edits_follow_the_service_rules(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    edit = f"/admin/order/edit/{order['id']}"

    form = await client.get(edit)
    skip = await client.post(
        edit, data={"status": "completed", "save": "Save"}, headers=SAME_ORIGIN
    )
    forward = await client.post(
        edit, data={"status": "preparing", "save": "Save"}, headers=SAME_ORIGIN
    )

    assert form.status_code == 200
    assert '<option selected value="paid">' in form.text or 'value="paid" selected' in form.text
    assert skip.status_code == 400
    assert "cannot go from paid to completed" in skip.text
    assert forward.status_code == 302
    assert await current_status(order["id"]) == "preparing"


async def test_cancelling_in_the_panel_returns_stock_and_refunds(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    response = await client.post(
        f"/admin/order/edit/{order['id']}",
        data={"status": "cancelled", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 302
    assert await current_status(order["id"]) == "cancelled"
    assert await balance(order["account_id"]) == 20
    assert await stock(order["store_id"], order["product_id"]) == 4
    detail = await client.get(f"/admin/order/details/{order['id']}")
    assert "paid -&gt; cancelled" in detail.text


async def test_deleting_in_the_panel_only_finished_orders(client):
    order = await paid_order(client)
    await logged_in_admin(client)
    refused = await client.delete(f"/admin/order/delete?pks={order['id']}", headers=SAME_ORIGIN)
    assert refused.status_code == 200
    assert "is+paid" in refused.text or "is%20paid" in refused.text
    assert await current_status(order["id"]) == "paid"

    await client.post(
        f"/admin/order/edit/{order['id']}",
        data={"status": "cancelled", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    deleted = await client.delete(f"/admin/order/delete?pks={order['id']}", headers=SAME_ORIGIN)
    assert deleted.status_code == 200
    assert order["number"] not in (await client.get("/admin/order/list")).text
    assert (await client.get(f"/admin/order/details/{order['id']}")).status_code == 404
    # The ledger still names the order: payment and refund stay as they were.
    ledger = (await client.get("/admin/transaction/list")).text
    assert ledger.count(order["number"]) == 2
