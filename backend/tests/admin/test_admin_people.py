"""People in /admin: nobody who holds money, orders or conversations is hard-deleted; users
are anonymised or sent a reset link after a confirmation; support staff get their own,
smaller panel."""

import asyncio
from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import Account, RoleName, SupportConversation, SupportMessage, User
from tests.admin.test_admin import SAME_ORIGIN, admin_login, fetch_user, logged_in_admin
from tests.admin.test_admin_orders import paid_order
from tests.factories import PASSWORD, bearer, create_user, link_token, login
from tests.helpers import account_of, balance, credit


async def test_no_delete_of_users_by_row_or_in_bulk(client):
    customer = await create_user(username="saver")
    account = await account_of(customer.id)
    await credit(client, customer.id, account, "25.00", "prov-saver")
    await logged_in_admin(client)

    one = await client.delete(f"/admin/user/delete?pks={customer.id}", headers=SAME_ORIGIN)
    bulk = await client.delete(f"/admin/user/delete?pks={customer.id},1", headers=SAME_ORIGIN)
    listing = await client.get("/admin/user/list")
    details = await client.get(f"/admin/user/details/{customer.id}")

    assert one.status_code == 403 and bulk.status_code == 403
    assert "Delete selected items" not in listing.text
    assert 'data-bs-target="#modal-delete"' not in details.text
    assert "Anonymise…" in details.text and "Send password reset…" in details.text
    kept = await fetch_user(customer.id)
    assert kept is not None and kept.deleted_at is None and kept.username == "saver"
    async with SessionFactory() as session:
        owned = await session.scalar(select(Account.user_id).where(Account.id == account))
    assert owned == customer.id
    assert await balance(account) == Decimal("25.00")


async def test_anonymising_a_customer_with_a_balance_is_refused_with_the_reason(client):
    customer = await create_user(username="saver")
    account = await account_of(customer.id)
    await credit(client, customer.id, account, "25.00", "prov-saver")
    await logged_in_admin(client)

    confirm = await client.get(f"/admin/user/action/anonymise?pks={customer.id}")
    done = await client.post(f"/admin/user/anonymise/{customer.id}", headers=SAME_ORIGIN)
    shown = await client.get(done.headers["location"])

    assert "Anonymise saver?" in confirm.text and "balance is not zero" in confirm.text
    assert "The balance is 25.00 EUR" in shown.text
    assert (await fetch_user(customer.id)).deleted_at is None
    assert await balance(account) == Decimal("25.00")


async def test_anonymising_keeps_orders_and_ledger_and_clears_personal_data(client):
    order = await paid_order(client, credited="18.00")  # Rita Reader spends it all
    async with SessionFactory() as session:
        user_id = await session.scalar(select(User.id).where(User.username == "reader"))
    tokens = await login(client, "reader")
    await logged_in_admin(client)
    # Collected: nothing of hers is open or held any more.
    for status in ("preparing", "ready", "completed"):
        await client.post(
            f"/admin/order/move/{order['id']}", data={"to": status}, headers=SAME_ORIGIN
        )

    done = await client.post(f"/admin/user/anonymise/{user_id}", headers=SAME_ORIGIN)
    shown = await client.get(done.headers["location"])

    assert "The user was anonymised." in shown.text
    gone = await fetch_user(user_id)
    assert gone.deleted_at is not None and gone.username == f"deleted:{user_id}"
    assert gone.full_name == "" and gone.phone == ""
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 401
    # The books stay: the order and the ledger still name the (anonymised) account.
    detail = await client.get(f"/admin/order/details/{order['id']}")
    assert order["number"] in detail.text and f"(anonymised user {user_id})" in detail.text
    assert "Rita Reader" not in detail.text
    ledger = await client.get("/admin/transaction/list")
    assert order["number"] in ledger.text


async def test_send_password_reset_mails_the_user_a_link(client, mail):
    customer = await create_user(username="forgetful")
    await logged_in_admin(client)

    confirm = await client.get(f"/admin/user/action/send-password-reset?pks={customer.id}")
    sent = await client.post(f"/admin/user/send-password-reset/{customer.id}", headers=SAME_ORIGIN)
    shown = await client.get(sent.headers["location"])

    assert "forgetful@example.com" in confirm.text
    assert "A reset link was sent to forgetful@example.com." in shown.text
    # In a thread: the outbox relay that sends the mail job runs on this event loop.
    message = await asyncio.to_thread(
        mail.wait_for, lambda m: "forgetful@example.com" in m["To"].lower()
    )
    token = link_token(message)
    reset = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a-brand-new-passphrase"},
    )
    assert reset.status_code in (200, 204), reset.text


async def _conversation(customer: User, order_id: int | None = None) -> int:
    async with SessionFactory() as session, session.begin():
        conversation = SupportConversation(customer_id=customer.id, order_id=order_id)
        session.add(conversation)
        await session.flush()
        session.add(
            SupportMessage(
                conversation_id=conversation.id,
                author_id=customer.id,
                text="Where is my order?",
            )
        )
        return conversation.id


async def test_support_enters_with_orders_and_conversations_only(client):
    order = await paid_order(client)
    async with SessionFactory() as session:
        reader = await session.scalar(select(User).where(User.username == "reader"))
    conversation_id = await _conversation(reader, order["id"])
    support = await create_user(role=RoleName.support, username="sam")

    entered = await admin_login(client, support.username)
    index = await client.get("/admin/")
    orders = await client.get("/admin/order/list")
    order_page = await client.get(f"/admin/order/details/{order['id']}")
    conversations = await client.get("/admin/support-conversation/list")
    conversation = await client.get(f"/admin/support-conversation/details/{conversation_id}")

    assert entered.status_code == 302
    assert index.status_code == 200
    assert "Orders" in index.text and "Support conversations" in index.text
    for hidden in ("Users", "Products", "Categories", "Money accounts", "Audit log", "Stores"):
        assert f'<span class="nav-link-title">{hidden}</span>' not in index.text, hidden
    assert orders.status_code == 200 and order["number"] in orders.text
    assert order_page.status_code == 200 and "Move to being prepared" in order_page.text
    # Support moves orders along but does not refund.
    assert "Refund…" not in order_page.text
    assert conversations.status_code == 200 and "Rita Reader" in conversations.text
    assert conversation.status_code == 200
    assert "Where is my order?" in conversation.text
    assert f"/admin/order/details/{order['id']}" in conversation.text
    for path in (
        "/admin/user/list",
        "/admin/product/list",
        "/admin/category/list",
        "/admin/account/list",
        "/admin/transaction/list",
        "/admin/audit-entry/list",
        f"/admin/user/details/{reader.id}",
        f"/admin/order/action/refund?pks={order['id']}",
    ):
        assert (await client.get(path)).status_code == 403, path
    refund = await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)
    assert refund.status_code == 403
    moved = await client.post(
        f"/admin/order/move/{order['id']}", data={"to": "preparing"}, headers=SAME_ORIGIN
    )
    assert moved.status_code == 302
    async with SessionFactory() as session:
        status = await session.scalar(
            select(func.max(SupportConversation.id)).where(
                SupportConversation.id == conversation_id
            )
        )
    assert status == conversation_id


async def test_a_refused_role_is_told_so_and_a_wrong_password_is_not(client):
    customer = await create_user(username="shopper")

    wrong = await admin_login(client, customer.username, "not-the-password-1")
    right = await admin_login(client, customer.username, PASSWORD)

    assert wrong.status_code == 400 and "Invalid credentials" in wrong.text
    assert right.status_code == 403
    assert "This account has no access to the admin panel." in right.text
