"""The panel's start page and its lists as people read them."""

from app.core.db import SessionFactory
from app.models import SupportConversation
from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin
from tests.admin.test_admin_orders import paid_order
from tests.factories import (
    create_category,
    create_product,
    create_store,
    create_user,
    set_stock,
    user_headers,
)


async def test_the_dashboard_shows_the_day_what_waits_and_what_runs_low(client):
    order = await paid_order(client)  # 18.00 EUR at Dock Street, paid: to prepare
    category = await create_category("Tea")
    tea = await create_product("Sencha", category.id, "6.00")
    quiet = await create_store("Quiet Corner")
    await set_stock(quiet.id, tea.id, 2)
    customer = await create_user(username="asker", full_name="Ada Asker")
    async with SessionFactory() as session, session.begin():
        session.add(SupportConversation(customer_id=customer.id))
    await logged_in_admin(client)

    board = await client.get("/admin/")

    text = board.text
    assert board.status_code == 200
    dock = text.split("Dock Street</td>")[1].split("</tr>")[0]
    assert ">1<" in dock and "18.00 EUR" in dock and "1 to prepare" in dock
    corner = text.split("Quiet Corner</td>")[1].split("</tr>")[0]
    assert ">0<" in corner and "0.00 EUR" in corner
    assert "Low on stock (at most 5 units)" in text
    assert "Sencha" in text.split("dashboard-low-stock")[1]
    assert "Open support conversations (1)" in text and "Ada Asker" in text
    assert f"status=new&amp;store={order['store_id']}" in text


async def test_an_empty_list_says_so(client):
    await logged_in_admin(client)

    empty = await client.get("/admin/order/list")
    searched = await client.get("/admin/category/list", params={"search": "nothing-like-it"})

    assert "No orders yet." in empty.text
    assert "Showing 1 to 0 of 0 items" not in empty.text
    assert "Nothing matches this search or filter." in searched.text


async def test_prices_show_their_currency(client):
    await logged_in_admin(client)
    category = await create_category("Coffee")
    await create_product("Kenya AA", category.id, "9.00")

    products = await client.get("/admin/product/list")

    assert '<span class="money">9.00 EUR</span>' in products.text


async def test_the_panel_logout_still_works_after_the_dashboard(client):
    await logged_in_admin(client)
    assert (await client.get("/admin/")).status_code == 200
    out = await client.get("/admin/logout", headers=SAME_ORIGIN)
    assert out.status_code == 302
    assert (await client.get("/admin/")).headers["location"].endswith("/admin/login")


async def test_mails_given_up_on_are_listed_on_the_dashboard(client):
    from app.auth import tasks as auth_tasks
    from app.core import mailtask
    from app.orders import tasks as order_tasks

    await logged_in_admin(client)
    quiet = await client.get("/admin/")
    await mailtask.record_failure(
        "app.orders.tasks.send_status_mail", (42, "ready"), "SMTPServerDisconnected: gone"
    )

    board = await client.get("/admin/")

    assert "None: every mail went out." in quiet.text
    failed = board.text.split("dashboard-failed-mails")[1]
    assert "send status mail" in failed and "42, ready" in failed
    assert "SMTPServerDisconnected: gone" in failed
    # Every mail task records its final failure this way.
    for task in (order_tasks.send_status_mail, auth_tasks.send_password_reset_email):
        assert isinstance(task, mailtask.MailTask)


async def test_an_order_paid_at_pickup_is_to_prepare_at_once_and_revenue_once_paid(client):
    category = await create_category("Books")
    book = await create_product("Atlas of Rivers", category.id, "27.50")
    store = await create_store("Dock Street")
    await set_stock(store.id, book.id, 3)
    _, headers = await user_headers(client, username="walker", full_name="Wil Walker")
    placed = await client.post(
        "/api/v1/orders",
        json={"store_id": store.id, "items": [{"product_id": book.id, "quantity": 1}]},
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    await logged_in_admin(client)

    def dock_street(page: str) -> str:
        return page.split("Dock Street</td>")[1].split("</tr>")[0]

    unpaid = await client.get("/admin/")
    listed = await client.get(f"/admin/order/list?status=new&store={store.id}")
    page = await client.get(f"/admin/order/details/{order['id']}")
    await client.post(f"/admin/order/move/{order['id']}", data={"to": "paid"}, headers=SAME_ORIGIN)
    paid = await client.get("/admin/")
    await client.post(
        f"/admin/order/move/{order['id']}", data={"to": "preparing"}, headers=SAME_ORIGIN
    )
    preparing = await client.get("/admin/")
    log = await client.get("/admin/audit-entry/list?entity=order")

    # Awaiting payment at pickup: on the board under New, so to prepare; no money yet.
    row = dock_street(unpaid.text)
    assert "1 to prepare" in row and "0.00 EUR" in row and "27.50 EUR" not in row
    assert f"status=new&amp;store={store.id}" in unpaid.text
    assert order["number"] in listed.text and "Awaiting payment" in listed.text
    badge = page.text.split('<h1 class="card-title')[1].split("</h1>")[0]
    assert "Awaiting payment" in badge and "pending" not in badge
    # Paid at the counter: the money is today's revenue; still to prepare.
    row = dock_street(paid.text)
    assert "27.50 EUR" in row and "1 to prepare" in row
    # Being prepared: no longer New; the money stays.
    row = dock_street(preparing.text)
    assert "27.50 EUR" in row and "0 to prepare" in row
    assert "status</strong>: Awaiting payment → Paid" in log.text
