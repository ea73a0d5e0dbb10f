"""Accounts from registration on, and adding funds through the payment provider: a top-up
is credited only by the provider's signed webhook."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from app.core.config import Settings, settings
from app.core.db import SessionFactory
from app.models import Account, TopUp, Transaction
from app.payments.tasks import expire_top_ups
from tests.factories import create_user, user_headers
from tests.helpers import account_of, balance, credit
from tests.payments.helpers import decide, path_of, read_top_up, start_top_up


async def ledger(account_id: int) -> list[tuple[str, Decimal, str | None]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(Transaction.kind, Transaction.amount, Transaction.external_id)
            .where(Transaction.account_id == account_id)
            .order_by(Transaction.id)
        )
        return [(kind, amount, external_id) for kind, amount, external_id in rows]


async def stored_status(top_up_id: int) -> str:
    async with SessionFactory() as session:
        return (await session.scalars(select(TopUp.status).where(TopUp.id == top_up_id))).one()


async def signed_top_up_credit(client, top_up: dict, user_id: int, transaction_id: str, **changes):
    """The webhook a provider sends for `top_up`, with fields changed to break it."""
    fields = {
        "account_id": top_up["account_id"],
        "amount": top_up["amount"],
        "top_up_id": top_up["id"],
        **changes,
    }
    from app.payments.webhook import build_request

    body, headers = build_request(
        user_id,
        fields["account_id"],
        Decimal(fields["amount"]),
        transaction_id,
        settings.webhook_secret.get_secret_value(),
        fields["top_up_id"],
    )
    return await client.post("/api/v1/payments/webhook", content=body, headers=headers)


# --- accounts --------------------------------------------------------------------------------


async def test_registration_opens_the_money_account(client):
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "new@example.com",
            "username": "newbie",
            "password": "a-long-new-password",
            "full_name": "New Customer",
        },
    )
    duplicate = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "NEW@example.com",
            "username": "other",
            "password": "a-long-new-password",
            "full_name": "Twice",
        },
    )

    assert response.status_code == 201 and duplicate.status_code == 409
    async with SessionFactory() as session:
        accounts = (await session.scalars(select(Account))).all()
    # Opened at registration, before the address is verified; the refused one opened none.
    assert [(a.user_id, a.currency, a.balance) for a in accounts] == [
        (response.json()["id"], "EUR", Decimal("0.00"))
    ]


async def test_every_user_has_exactly_one_account_and_sees_it(client):
    user, headers = await user_headers(client)
    accounts = (await client.get("/api/v1/accounts", headers=headers)).json()
    assert [(a["balance"], a["currency"]) for a in accounts] == [("0.00", "EUR")]
    async with SessionFactory() as session:
        count = await session.scalar(
            select(func.count()).select_from(Account).where(Account.user_id == user.id)
        )
    assert count == 1


# --- top-ups through the test provider -------------------------------------------------------


async def test_approving_at_the_provider_credits_through_the_signed_webhook(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, "25.00")

    assert top_up["status"] == "pending" and top_up["provider"] == "test"
    assert top_up["amount"] == "25.00" and top_up["currency"] == "EUR"
    assert top_up["redirect_url"].startswith("http://shop.test/api/v1/payments/test-provider/")
    assert top_up["return_url"] == f"http://shop.test/account/top-ups/{top_up['id']}"
    assert top_up["transaction_id"] is None and top_up["completed_at"] is None
    page = await client.get(path_of(top_up["redirect_url"]))
    assert page.status_code == 200 and "25.00 EUR" in page.text
    webhook_calls = await webhook_requests(client)

    approved = await decide(client, top_up, "approve")

    assert approved.status_code == 303
    assert approved.headers["location"] == top_up["return_url"]
    # It came as an HTTP request to the webhook endpoint, signed like a real provider's.
    assert await webhook_requests(client) == webhook_calls + 1
    done = await read_top_up(client, headers, top_up)
    assert done["status"] == "succeeded" and done["completed_at"] is not None
    assert await balance(account) == Decimal("25.00")
    ref = top_up["redirect_url"].rsplit("/", 1)[1]
    assert await ledger(account) == [("credit", Decimal("25.00"), f"test:{ref}")]
    async with SessionFactory() as session:
        credit_id = await session.scalar(select(Transaction.id))
    assert done["transaction_id"] == credit_id

    twice = await decide(client, top_up, "approve")
    assert twice.status_code == 303
    assert await balance(account) == Decimal("25.00")
    assert "This payment was approved" in (await client.get(path_of(top_up["redirect_url"]))).text


async def webhook_requests(client) -> float:
    """POSTs the webhook endpoint has answered so far (Prometheus counter of this process)."""
    metrics = (await client.get("/metrics")).text
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith("http_requests_total{") and 'handler="/api/v1/payments/webhook"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_declining_credits_nothing_and_cannot_be_approved_after(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, "40.00", return_url="/wallet")

    declined = await decide(client, top_up, "decline")
    approve_after = await decide(client, top_up, "approve")

    assert declined.status_code == 303
    assert declined.headers["location"] == "http://shop.test/wallet"
    assert approve_after.status_code == 303
    assert (await read_top_up(client, headers, top_up))["status"] == "declined"
    assert await balance(account) == 0
    assert await ledger(account) == []
    page = await client.get(path_of(top_up["redirect_url"]))
    assert "This payment was declined" in page.text and "<form" not in page.text
    # Even a signed success for it now is refused: the provider said no.
    late = await signed_top_up_credit(client, top_up, user.id, "late-success")
    assert late.status_code == 409 and late.json()["code"] == "top_up_closed"
    assert await balance(account) == 0


async def test_an_abandoned_top_up_expires_and_credits_nothing(client, wait_for):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    abandoned = await start_top_up(client, headers, account, "30.00")
    fresh = await start_top_up(client, headers, account, "10.00")
    async with SessionFactory() as session:
        await session.execute(
            update(TopUp)
            .where(TopUp.id == abandoned["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    # Expired as soon as its time is up, before the beat job writes it down.
    assert (await read_top_up(client, headers, abandoned))["status"] == "expired"
    assert await stored_status(abandoned["id"]) == "pending"

    expire_top_ups.delay()  # the beat job, through the broker to the real worker

    async def written_down():
        return await stored_status(abandoned["id"]) == "expired"

    await wait_for(written_down)
    assert await stored_status(fresh["id"]) == "pending"
    assert (await read_top_up(client, headers, fresh))["status"] == "pending"
    too_late = await decide(client, abandoned, "approve")
    assert too_late.status_code == 303
    assert "This payment has expired" in (await client.get(path_of(abandoned["redirect_url"]))).text
    assert await balance(account) == 0
    assert await ledger(account) == []


async def test_a_late_provider_payment_for_an_expired_top_up_is_still_recorded(client):
    """The customer paid just as it expired: the provider holds the money, so the ledger
    must show it rather than let it vanish."""
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, "15.00")
    async with SessionFactory() as session:
        await session.execute(update(TopUp).values(status="expired", completed_at=func.now()))
        await session.commit()

    late = await signed_top_up_credit(client, top_up, user.id, "prov-late")

    assert late.status_code == 200 and late.json()["status"] == "credited"
    assert (await read_top_up(client, headers, top_up))["status"] == "succeeded"
    assert await balance(account) == 15


async def test_webhooks_that_do_not_match_the_top_up_are_refused(client):
    user, headers = await user_headers(client)
    other, _ = await user_headers(client)
    account = await account_of(user.id)
    others_account = await account_of(other.id)
    top_up = await start_top_up(client, headers, account, "20.00")

    wrong_amount = await signed_top_up_credit(client, top_up, user.id, "p1", amount="200.00")
    wrong_account = await signed_top_up_credit(
        client, top_up, other.id, "p2", account_id=others_account
    )
    wrong_user = await signed_top_up_credit(client, top_up, other.id, "p3")
    unknown = await signed_top_up_credit(client, top_up, user.id, "p4", top_up_id=999999)

    assert wrong_amount.status_code == 409 and wrong_amount.json()["code"] == "top_up_mismatch"
    assert wrong_account.status_code == 409 and wrong_account.json()["code"] == "top_up_mismatch"
    assert wrong_user.status_code == 409
    assert wrong_user.json()["code"] == "account_owner_mismatch"
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_top_up"
    assert await balance(account) == 0 and await balance(others_account) == 0
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"

    paid = await signed_top_up_credit(client, top_up, user.id, "p5")
    again = await signed_top_up_credit(client, top_up, user.id, "p5")
    second_payment = await signed_top_up_credit(client, top_up, user.id, "p6")
    assert paid.json() == {
        "transaction_id": "p5",
        "account_id": account,
        "status": "credited",
        "top_up_id": top_up["id"],
    }
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert second_payment.status_code == 409
    assert second_payment.json()["code"] == "top_up_closed"
    assert await balance(account) == 20


async def test_twenty_copies_of_a_top_up_webhook_at_once_credit_once(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, "12.50")

    responses = await asyncio.gather(
        *(signed_top_up_credit(client, top_up, user.id, "prov-burst") for _ in range(20))
    )

    assert sorted(r.json()["status"] for r in responses) == ["credited"] + ["duplicate"] * 19
    assert await balance(account) == Decimal("12.50")
    assert (await read_top_up(client, headers, top_up))["status"] == "succeeded"


async def test_only_the_owner_reaches_an_account_s_top_ups(client):
    owner, owner_headers = await user_headers(client)
    _, other_headers = await user_headers(client)
    account = await account_of(owner.id)
    top_up = await start_top_up(client, owner_headers, account)

    foreign_create = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "10.00"}, headers=other_headers
    )
    foreign_read = await client.get(
        f"/api/v1/accounts/{account}/top-ups/{top_up['id']}", headers=other_headers
    )
    wrong_account = await client.get(
        f"/api/v1/accounts/{account + 1}/top-ups/{top_up['id']}", headers=owner_headers
    )
    anonymous = await client.post(f"/api/v1/accounts/{account}/top-ups", json={"amount": "10"})

    assert foreign_create.status_code == 404
    assert foreign_create.json()["code"] == "account_not_found"
    assert foreign_read.status_code == 404 and foreign_read.json()["code"] == "top_up_not_found"
    assert wrong_account.status_code == 404
    assert anonymous.status_code == 401
    async with SessionFactory() as session:
        assert await session.scalar(select(func.count()).select_from(TopUp)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "4.99"}, "amount"),
        ({"amount": "500.01"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({}, "amount"),
        ({"amount": "10.00", "account_id": 1}, "account_id"),
        ({"amount": "10.00", "return_url": "https://evil.example/account"}, "return_url"),
        ({"amount": "10.00", "return_url": "//evil.example/account"}, "return_url"),
        ({"amount": "10.00", "return_url": "http://shop.test@evil.example/"}, "return_url"),
        ({"amount": "10.00", "return_url": "http://shop.test:8443/account"}, "return_url"),
        ({"amount": "10.00", "return_url": "javascript:alert(1)"}, "return_url"),
        ({"amount": "10.00", "return_url": "/\\evil.example"}, "return_url"),
        ({"amount": "10.00", "return_url": "/a b"}, "return_url"),
        ({"amount": "10.00", "return_url": "/" + "a" * 2000}, "return_url"),
    ],
)
async def test_bad_top_ups_are_422_and_make_nothing(client, body, field):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    response = await client.post(f"/api/v1/accounts/{account}/top-ups", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert field in {str(part) for err in response.json()["errors"] for part in err["loc"]}
    async with SessionFactory() as session:
        assert await session.scalar(select(func.count()).select_from(TopUp)) == 0


async def test_the_return_url_may_be_any_storefront_page_with_the_id_filled_in(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    relative = await start_top_up(
        client, headers, account, return_url="/checkout?step=pay&top_up={top_up_id}"
    )
    absolute = await start_top_up(
        client, headers, account, return_url="HTTP://Shop.Test:80/account/top-ups/{top_up_id}"
    )
    assert relative["return_url"] == f"http://shop.test/checkout?step=pay&top_up={relative['id']}"
    assert absolute["return_url"] == f"HTTP://Shop.Test:80/account/top-ups/{absolute['id']}"
    declined = await decide(client, relative, "decline")
    assert declined.headers["location"] == relative["return_url"]


async def test_an_account_has_at_most_five_unfinished_top_ups_even_at_once(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)

    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/accounts/{account}/top-ups", json={"amount": "10.00"}, headers=headers
            )
            for _ in range(8)
        )
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [409] * 3, codes
    refused = next(r for r in responses if r.status_code == 409).json()
    assert refused["code"] == "too_many_pending_top_ups" and refused["limit"] == 5
    first = next(r.json() for r in responses if r.status_code == 201)
    await decide(client, first, "decline")
    assert (await start_top_up(client, headers, account))["status"] == "pending"


async def test_a_top_up_past_the_largest_balance_is_refused_up_front(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "9999999999.00", "prov-rich")
    response = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "5.00"}, headers=headers
    )
    assert response.status_code == 409 and response.json()["code"] == "balance_limit"


async def test_with_no_provider_adding_funds_is_off(client, monkeypatch):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account)
    monkeypatch.setattr(settings, "payment_provider", "none")

    refused = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "10.00"}, headers=headers
    )
    page = await client.get(path_of(top_up["redirect_url"]))
    approve = await decide(client, top_up, "approve")
    # The webhook itself stays: a provider bridge or `make webhook` still credits.
    direct = await credit(client, user.id, account, "3.00", "prov-direct")

    assert refused.status_code == 503 and refused.json()["code"] == "top_ups_disabled"
    assert page.status_code == 404 and approve.status_code == 404
    assert direct.status_code == 200
    assert await balance(account) == 3
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"


def test_the_provider_follows_the_environment_and_production_refuses_the_test_one():
    secrets = {
        "secret_key": "s" * 40,
        "webhook_secret": "w" * 40,
        "admin_password": "a-strong-admin-password",
    }
    assert Settings(environment="development").payment_provider == "test"
    assert Settings(environment="production", **secrets).payment_provider == "none"
    with pytest.raises(ValidationError, match="PAYMENT_PROVIDER=test"):
        Settings(environment="production", payment_provider="test", **secrets)
    with pytest.raises(ValidationError, match="TOP_UP_MIN_AMOUNT"):
        Settings(top_up_min_amount="50.00", top_up_max_amount="10.00")


def test_a_real_provider_without_its_keys_is_refused_at_start():
    secrets = {
        "secret_key": "s" * 40,
        "webhook_secret": "w" * 40,
        "admin_password": "a-strong-admin-password",
    }
    for environment in ("production", "development"):
        with pytest.raises(ValidationError, match="STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"):
            Settings(environment=environment, payment_provider="stripe", **secrets)
        with pytest.raises(ValidationError, match="needs STRIPE_WEBHOOK_SECRET"):
            Settings(
                environment=environment,
                payment_provider="stripe",
                stripe_secret_key="sk_live_x",
                stripe_webhook_secret=" ",
                **secrets,
            )
        with pytest.raises(ValidationError, match="needs YOOKASSA_SECRET_KEY"):
            Settings(
                environment=environment,
                payment_provider="yookassa",
                yookassa_shop_id="100500",
                **secrets,
            )
    assert (
        Settings(
            environment="production",
            payment_provider="stripe",
            stripe_secret_key="sk_live_x",
            stripe_webhook_secret="whsec_x",
            **secrets,
        ).payment_provider
        == "stripe"
    )
    assert (
        Settings(
            environment="production",
            payment_provider="yookassa",
            yookassa_shop_id="100500",
            yookassa_secret_key="live_x",
            **secrets,
        ).payment_provider
        == "yookassa"
    )


async def test_the_approval_is_answered_before_the_webhook_lands_on_a_real_server(
    client, api_server, wait_for
):
    import httpx

    user = await create_user(username="remote")
    async with httpx.AsyncClient(base_url=api_server, timeout=10) as remote:
        tokens = (
            await remote.post(
                "/api/v1/auth/login", json={"login": "remote", "password": "correct-horse-battery"}
            )
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        account = await account_of(user.id)
        top_up = await start_top_up(remote, headers, account, "33.00")
        approved = await decide(remote, top_up, "approve")
        assert approved.status_code == 303
        assert approved.headers["location"] == top_up["return_url"]

        async def credited():
            return (await read_top_up(remote, headers, top_up))["status"] == "succeeded"

        await wait_for(credited)
    assert await balance(account) == 33
