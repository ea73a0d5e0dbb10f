"""Order mails go out through the real Celery worker to the aiosmtpd catcher, once each."""

import asyncio

from app.models import RoleName
from app.orders import tasks
from tests.factories import create_category, create_product, set_stock, user_headers
from tests.helpers import account_of, credit
from tests.payments.card_helpers import attempts, card_order, items, notify


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def to(address: str):
    return lambda m: address in m["To"]


async def wait_mail(mail, predicate):
    return await asyncio.to_thread(mail.wait_for, predicate, 30)


async def order(client, headers, store_id, product_id, quantity=1):
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": store_id, "items": [{"product_id": product_id, "quantity": quantity}]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_new_order_mails_the_customer_and_every_admin(client, shop, mail):
    await user_headers(client, role=RoleName.admin, email="boss@example.com")
    await user_headers(client, role=RoleName.admin, email="deputy@example.com")
    await user_headers(client, role=RoleName.support, email="helper@example.com")
    _, headers = await user_headers(client, email="reader@example.com", full_name="Ada Reader")
    placed = await order(client, headers, shop.store.id, shop.cake.id, 2)

    confirmation = await wait_mail(mail, to("reader@example.com"))
    assert placed["number"] in confirmation["Subject"]
    text = text_of(confirmation)
    assert "Hello Ada Reader" in text
    # Money as the storefront writes it, with its currency sign.
    assert "2 x Cheesecake @ €4.25 = €8.50" in text
    assert "Total: €8.50" in text
    assert "Kreuzberg" in text
    assert "Status: Awaiting payment" in text
    assert f"http://shop.test/orders/{placed['id']}" in text
    html = html_of(confirmation)
    assert "<strong>€8.50</strong>" in html
    # The shop's brown, not a stranger's green.
    assert "#6b3f24" in html and "#2f6f4e" not in html

    for admin in ("boss@example.com", "deputy@example.com"):
        notification = await wait_mail(mail, to(admin))
        assert notification["Subject"] == f"New order {placed['number']} from Ada Reader"
        assert "2 x Cheesecake" in text_of(notification)
    assert not any("helper@example.com" in m["To"] for m in mail.messages)


async def test_the_store_address_is_written_once_as_the_store_writes_it(client, mail):
    from tests.factories import create_store

    category = await create_category("Coffee")
    flat_white = await create_product("Flat white", category.id, "3.40", slug="flat-white")
    london = await create_store(
        "Clerkenwell",
        "Europe/London",
        address="34 Exmouth Market, London EC1R 4QE, United Kingdom",
        city="London",
    )
    await set_stock(london.id, flat_white.id, 5)
    _, headers = await user_headers(client, email="londoner@example.com")
    await order(client, headers, london.id, flat_white.id)
    text = text_of(await wait_mail(mail, to("londoner@example.com")))
    assert "Clerkenwell, 34 Exmouth Market, London EC1R 4QE, United Kingdom." in text
    assert "United Kingdom, London" not in text


async def test_names_are_escaped_in_html_and_plain_in_text(client, shop, mail):
    category = await create_category("Tea")
    product = await create_product("Tea & <b>Cake</b>", category.id, "2.00", slug="tea-cake")
    await set_stock(shop.store.id, product.id, 5)
    _, headers = await user_headers(client, email="escape@example.com")
    await order(client, headers, shop.store.id, product.id)

    message = await wait_mail(mail, to("escape@example.com"))
    assert "1 x Tea & <b>Cake</b>" in text_of(message)
    assert "Tea &amp; &lt;b&gt;Cake&lt;/b&gt;" in html_of(message)
    assert "<b>Cake</b>" not in html_of(message)


async def test_ready_and_cancelled_mail_the_customer(client, shop, mail):
    _, admin = await user_headers(client, role=RoleName.admin, email="boss@example.com")
    _, headers = await user_headers(client, email="pickup@example.com")
    first = await order(client, headers, shop.store.id, shop.coffee.id)
    second = await order(client, headers, shop.store.id, shop.coffee.id)
    for status in ("paid", "preparing", "ready"):
        response = await client.patch(
            f"/api/v1/orders/{first['id']}", json={"status": status}, headers=admin
        )
        assert response.status_code == 200
    await client.post(f"/api/v1/orders/{second['id']}/cancel", headers=headers)

    ready = await wait_mail(
        mail, lambda m: "pickup@example.com" in m["To"] and "ready" in m["Subject"]
    )
    cancelled = await wait_mail(
        mail, lambda m: "pickup@example.com" in m["To"] and "cancelled" in m["Subject"]
    )
    assert ready["Subject"] == f"Your order {first['number']} is ready for pickup"
    assert "Pick it up at Kreuzberg" in text_of(ready)
    assert cancelled["Subject"] == f"Your order {second['number']} has been cancelled"
    customer_mail = sorted(m["Subject"] for m in mail.messages if "pickup@" in m["To"])
    # two confirmations, ready, cancelled: no mail for paid or preparing
    assert len(customer_mail) == 4, customer_mail


async def test_a_confirmation_is_sent_once_even_when_its_task_runs_twice(client, shop, mail):
    await user_headers(client, role=RoleName.admin, email="boss@example.com")
    _, headers = await user_headers(client, email="twice@example.com")
    placed = await order(client, headers, shop.store.id, shop.coffee.id)
    await wait_mail(mail, to("twice@example.com"))

    # The broker hands the same task to the worker again (as acks_late may after a crash).
    tasks.send_order_confirmation.delay(placed["id"])
    tasks.notify_admins_of_order.delay(placed["id"])
    # A later mail through the same single worker: once it is here, the repeats have run.
    await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=headers)
    await wait_mail(mail, lambda m: "twice@example.com" in m["To"] and "cancelled" in m["Subject"])

    confirmations = [
        m
        for m in mail.messages
        if "twice@example.com" in m["To"] and "cancelled" not in m["Subject"]
    ]
    assert len(confirmations) == 1
    assert len([m for m in mail.messages if "boss@example.com" in m["To"]]) == 1


async def test_a_confirmation_whose_sender_died_mid_send_comes_late_not_never(client, shop, mail):
    from app.core.redis import redis

    _, headers = await user_headers(client, email="late@example.com")
    first = await order(client, headers, shop.store.id, shop.coffee.id)
    await wait_mail(mail, to("late@example.com"))  # the worker is up
    mail.clear()
    # What a worker killed while sending the confirmation of the next order leaves in Redis:
    # its claim, which lapses on its own (after the visibility timeout; here 3 s).
    await redis.set(f"mail-sent:order:{first['id'] + 1}:confirmation", "sending", ex=3)
    placed = await order(client, headers, shop.store.id, shop.coffee.id)
    assert placed["id"] == first["id"] + 1

    confirmation = await wait_mail(mail, to("late@example.com"))
    assert placed["number"] in confirmation["Subject"]
    # A later mail through the same single worker: once it is here, nothing else is coming.
    await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=headers)
    await wait_mail(mail, lambda m: "late@example.com" in m["To"] and "cancelled" in m["Subject"])
    assert len([m for m in mail.messages if "late@example.com" in m["To"]]) == 2


async def test_a_refused_checkout_sends_nothing(client, shop, mail):
    _, headers = await user_headers(client, email="short@example.com")
    refused = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": [{"product_id": shop.beans.id, "quantity": 9}]},
        headers=headers,
    )
    assert refused.status_code == 409
    placed = await order(client, headers, shop.store.id, shop.coffee.id)
    message = await wait_mail(mail, to("short@example.com"))
    assert placed["number"] in message["Subject"]
    assert len([m for m in mail.messages if "short@example.com" in m["To"]]) == 1


async def test_a_cancelled_order_s_mail_says_how_the_money_came_back(client, shop, mail):
    user, headers = await user_headers(client, email="money-back@example.com")
    account = await account_of(user.id)
    await credit(client, user.id, account, "20.00")
    unpaid = await order(client, headers, shop.store.id, shop.coffee.id)
    from_balance = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.coffee, 1)),
            "pay_with_account_id": account,
        },
        headers=headers,
    )
    by_card = (await card_order(client, headers, shop.store.id, items((shop.coffee, 2)))).json()
    (attempt,) = await attempts(by_card["id"])
    assert (await notify(client, attempt)).status_code == 200
    for placed in (unpaid, from_balance.json(), by_card):
        cancelled = await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=headers)
        assert cancelled.status_code == 200, cancelled.text

    async def cancel_mail(number: str):
        subject = f"Your order {number} has been cancelled"
        return await wait_mail(mail, lambda m: "money-back@" in m["To"] and m["Subject"] == subject)

    assert "Nothing was charged." in text_of(await cancel_mail(unpaid["number"]))
    balance_text = text_of(await cancel_mail(from_balance.json()["number"]))
    assert "We have refunded €3.50 to your account with us." in balance_text
    card_mail = await cancel_mail(by_card["number"])
    assert "We have refunded €7.00 to the card you paid with" in text_of(card_mail)
    assert "refunded €7.00 to the card you paid with" in html_of(card_mail)
    assert "account with us" not in text_of(card_mail)
