"""Accounts, paying orders, and the payment provider's signed webhook."""

import asyncio
import subprocess
import sys
import time
from decimal import Decimal

from sqlalchemy import func, select

from app.core.config import settings
from app.core.db import SessionFactory
from app.models import Account, Transaction
from app.payments.webhook import sign
from tests.conftest import BACKEND_DIR
from tests.factories import user_headers
from tests.helpers import account_of, balance, credit


async def ledger_size() -> int:
    async with SessionFactory() as session:
        return (await session.scalars(select(func.count()).select_from(Transaction))).one()


async def account_count() -> int:
    async with SessionFactory() as session:
        return (await session.scalars(select(func.count()).select_from(Account))).one()


async def place(client, headers, shop, product, quantity=1):
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": [{"product_id": product.id, "quantity": quantity}],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


# --- webhook -------------------------------------------------------------------------------


async def test_a_signed_credit_credits_the_users_account(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    response = await credit(client, user.id, account, "25.50", "prov-0001")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "transaction_id": "prov-0001",
        "account_id": account,
        "status": "credited",
        "top_up_id": None,
    }
    accounts = (await client.get("/api/v1/accounts", headers=headers)).json()
    assert [(a["id"], a["balance"], a["currency"]) for a in accounts] == [(account, "25.50", "EUR")]
    ledger = (await client.get(f"/api/v1/accounts/{account}/transactions", headers=headers)).json()
    assert [(t["kind"], t["amount"], t["external_id"]) for t in ledger["items"]] == [
        ("credit", "25.50", "prov-0001")
    ]
    second = await credit(client, user.id, account, "4.50", "prov-0002")
    assert second.json()["status"] == "credited"
    assert await balance(account) == Decimal("30.00")


async def test_the_same_transaction_id_credits_once(client):
    user, _ = await user_headers(client)
    account = await account_of(user.id)
    first = await credit(client, user.id, account, "10.00", "prov-dup")
    again = await credit(client, user.id, account, "10.00", "prov-dup")
    changed = await credit(client, user.id, account, "99.00", "prov-dup")

    assert first.json()["status"] == "credited"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert changed.status_code == 409
    assert changed.json()["code"] == "transaction_conflict"
    assert await balance(account) == 10
    assert await ledger_size() == 1


async def test_twenty_identical_webhooks_at_once_credit_once(client):
    user, _ = await user_headers(client)
    account = await account_of(user.id)
    responses = await asyncio.gather(
        *(credit(client, user.id, account, "15.00", "prov-burst") for _ in range(20))
    )
    assert {r.status_code for r in responses} == {200}
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses.count("credited") == 1
    assert statuses.count("duplicate") == 19
    assert await balance(account) == 15
    assert await ledger_size() == 1


async def test_bad_signatures_and_stale_timestamps_answer_401_and_write_nothing(client):
    user, _ = await user_headers(client)
    secret = settings.webhook_secret.get_secret_value()
    body = (
        f'{{"transaction_id": "prov-bad", "account_id": 9, "user_id": {user.id}, '
        '"amount": "10.00"}'
    ).encode()
    now = str(int(time.time()))
    # Outside the 5-minute window by a margin: the cases go one after another, and on a busy
    # machine a timestamp 301 s ahead would be back inside it by the time it is checked.
    stale = str(int(time.time()) - 400)
    future = str(int(time.time()) + 400)
    cases = {
        "wrong secret": {"X-Timestamp": now, "X-Signature": sign("not-the-secret", now, body)},
        "tampered": {"X-Timestamp": now, "X-Signature": sign(secret, now, body + b" ")},
        "stale": {"X-Timestamp": stale, "X-Signature": sign(secret, stale, body)},
        "future": {"X-Timestamp": future, "X-Signature": sign(secret, future, body)},
        "other timestamp": {"X-Timestamp": now, "X-Signature": sign(secret, stale, body)},
        "no signature": {"X-Timestamp": now},
        "no headers": {},
        "garbage timestamp": {"X-Timestamp": "soon", "X-Signature": sign(secret, "soon", body)},
        "unicode digit timestamp": {
            "X-Timestamp": "\u00b2",
            "X-Signature": sign(secret, now, body),
        },
        "non-ascii signature": {"X-Timestamp": now, "X-Signature": "\u00e9" * 64},
        "short signature": {"X-Timestamp": now, "X-Signature": sign(secret, now, body)[:63]},
        "huge signature": {"X-Timestamp": now, "X-Signature": "a" * 5000},
        "huge timestamp": {"X-Timestamp": "9" * 40, "X-Signature": sign(secret, now, body)},
    }
    for name, headers in cases.items():
        response = await client.post(
            "/api/v1/payments/webhook",
            content=body,
            headers={
                "Content-Type": "application/json",
                **{k: v.encode("latin-1") for k, v in headers.items()},
            },
        )
        assert response.status_code == 401, name
        assert response.json()["code"] == "invalid_signature", name
    unsigned_garbage = await client.post(
        "/api/v1/payments/webhook", content=b"{not json", headers={"X-Timestamp": now}
    )
    assert unsigned_garbage.status_code == 401
    assert await ledger_size() == 0


async def test_a_signed_but_invalid_body_is_a_4xx(client):
    secret = settings.webhook_secret.get_secret_value()
    now = str(int(time.time()))
    for body, code in (
        (b"{not json", 400),
        (b'{"transaction_id": "x", "account_id": 1, "user_id": 1, "amount": "-5"}', 422),
        (b'{"transaction_id": "x", "account_id": 1, "user_id": 1, "amount": "1.001"}', 422),
        (b'{"transaction_id": "x", "account_id": 1, "user_id": 1}', 422),
    ):
        response = await client.post(
            "/api/v1/payments/webhook",
            content=body,
            headers={"X-Timestamp": now, "X-Signature": sign(secret, now, body)},
        )
        assert response.status_code == code, body
    assert await ledger_size() == 0


async def test_an_account_of_another_user_or_none_at_all_is_not_credited(client):
    owner, _ = await user_headers(client)
    other, _ = await user_headers(client)
    account = await account_of(owner.id)
    await credit(client, owner.id, account, "10.00", "prov-a")
    response = await credit(client, other.id, account, "10.00", "prov-b")
    unknown_user = await credit(client, 999999, account, "10.00", "prov-c")
    unknown_account = await credit(client, owner.id, 999999, "10.00", "prov-d")

    assert response.status_code == 409
    assert response.json()["code"] == "account_owner_mismatch"
    assert unknown_user.status_code == 422
    assert unknown_user.json()["code"] == "unknown_user"
    # Accounts are opened with their user; a webhook never makes one up.
    assert unknown_account.status_code == 422
    assert unknown_account.json()["code"] == "unknown_account"
    assert await balance(account) == 10
    assert await ledger_size() == 1
    assert await account_count() == 2


async def test_the_cli_tops_up_a_balance_through_a_running_api(client, api_server):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    command = [
        sys.executable,
        "-m",
        "dev.send_webhook",
        "--user-id",
        str(user.id),
        "--account-id",
        str(account),
        "--amount",
        "50.00",
        "--url",
        api_server,
    ]
    done = await asyncio.to_thread(
        subprocess.run, command, cwd=BACKEND_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert '"status":"credited"' in done.stdout
    accounts = (await client.get("/api/v1/accounts", headers=headers)).json()
    assert [(a["id"], a["balance"]) for a in accounts] == [(account, "50.00")]


# --- accounts and paying --------------------------------------------------------------------


async def test_accounts_and_ledgers_are_private(client):
    alice, alice_headers = await user_headers(client)
    bob, bob_headers = await user_headers(client)
    alice_account = await account_of(alice.id)
    await credit(client, alice.id, alice_account, "10.00", "prov-1")
    bob_account = await account_of(bob.id)
    await credit(client, bob.id, bob_account, "20.00", "prov-2")

    assert [
        a["id"] for a in (await client.get("/api/v1/accounts", headers=alice_headers)).json()
    ] == [alice_account]
    foreign = await client.get(
        f"/api/v1/accounts/{bob_account}/transactions", headers=alice_headers
    )
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "account_not_found"
    assert (await client.get("/api/v1/accounts")).status_code == 401
    filtered = await client.get(
        f"/api/v1/accounts/{bob_account}/transactions",
        params={"kind": "payment"},
        headers=bob_headers,
    )
    assert filtered.json()["items"] == []
    bad_filter = await client.get(
        f"/api/v1/accounts/{bob_account}/transactions", params={"secret": "1"}, headers=bob_headers
    )
    assert bad_filter.status_code == 400


async def test_paying_an_order_debits_once(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "10.00")
    order = await place(client, headers, shop, shop.coffee, 2)

    paid = await client.post(
        f"/api/v1/orders/{order['id']}/pay", json={"account_id": account}, headers=headers
    )
    twice = await client.post(
        f"/api/v1/orders/{order['id']}/pay", json={"account_id": account}, headers=headers
    )

    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert twice.status_code == 409
    assert await balance(account) == Decimal("3.00")


async def test_paying_with_too_little_or_anothers_account_is_refused(client, shop):
    user, headers = await user_headers(client)
    other, other_headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "5.00", "prov-1")
    others_account = await account_of(other.id)
    await credit(client, other.id, others_account, "500.00", "prov-2")
    order = await place(client, headers, shop, shop.beans)

    short = await client.post(
        f"/api/v1/orders/{order['id']}/pay", json={"account_id": account}, headers=headers
    )
    foreign_account = await client.post(
        f"/api/v1/orders/{order['id']}/pay", json={"account_id": others_account}, headers=headers
    )
    foreign_order = await client.post(
        f"/api/v1/orders/{order['id']}/pay",
        json={"account_id": others_account},
        headers=other_headers,
    )

    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_funds"
    assert short.json()["balance"] == "5.00"
    assert short.json()["required"] == "12.00"
    assert foreign_account.status_code == 404
    assert foreign_order.status_code == 404
    assert await balance(account) == 5
    assert await balance(others_account) == 500
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert detail["status"] == "pending"


async def test_twenty_parallel_payments_never_overdraw(client, shop):
    """One balance of 40.00 and twenty 12.00 orders paid at once: three succeed."""
    from tests.factories import set_stock

    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "40.00")
    await set_stock(shop.store.id, shop.beans.id, 20)
    orders = [await place(client, headers, shop, shop.beans) for _ in range(20)]

    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/orders/{o['id']}/pay", json={"account_id": account}, headers=headers
            )
            for o in orders
        )
    )

    codes = [r.status_code for r in responses]
    assert codes.count(200) == 3, codes
    assert codes.count(409) == 17
    assert await balance(account) == Decimal("4.00")
    paid = (await client.get("/api/v1/orders", params={"status": "paid"}, headers=headers)).json()
    assert paid["total"] == 3


async def test_paying_one_order_twenty_times_at_once_debits_once(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "100.00")
    order = await place(client, headers, shop, shop.beans)
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/orders/{order['id']}/pay", json={"account_id": account}, headers=headers
            )
            for _ in range(20)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19
    assert await balance(account) == Decimal("88.00")


async def test_balances_stop_at_the_largest_amount_numeric_12_2_holds(client):
    user, _ = await user_headers(client)
    account = await account_of(user.id)
    full = await credit(client, user.id, account, "9999999999.99", "prov-max")
    over = await credit(client, user.id, account, "0.01", "prov-over")
    too_many_digits = await credit(client, user.id, account, "10000000000.00", "prov-huge")

    assert full.status_code == 200
    assert over.status_code == 409
    assert over.json()["code"] == "balance_limit"
    assert too_many_digits.status_code == 422
    assert await balance(account) == Decimal("9999999999.99")
    assert await ledger_size() == 1
