"""One rule for e-mail addresses: what the shop takes at sign-up its mailer sends to, reserved
and special-use domains are refused in production, and the lookups by address (reset, resend)
answer 202 for an anonymised account's own address without mailing it."""

import asyncio

import pytest

from app.core.config import settings
from tests.factories import PASSWORD, create_user, user_headers
from tests.helpers import outbox_drained

LOOKUPS = ("/api/v1/auth/password-reset", "/api/v1/auth/resend-verification")


def signup(email: str, username: str = "nonetest") -> dict[str, str]:
    return {"email": email, "username": username, "password": PASSWORD, "full_name": "N. Test"}


async def test_an_anonymised_account_s_address_gets_202_on_reset_and_resend_and_no_mail(
    client, mail
):
    from app.models import RoleName

    # Deleted by an admin before it was ever verified: its address is now a tombstone.
    gone = await create_user(username="gone", verified=False)
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    deleted = await client.delete(f"/api/v1/users/{gone.id}", headers=admin)
    assert deleted.status_code == 204
    tombstone = (await client.get(f"/api/v1/users/{gone.id}", headers=admin)).json()["email"]
    assert tombstone == f"deleted-{gone.id}@deleted.invalid"

    for path in LOOKUPS:
        for address in (tombstone, tombstone.upper(), "someone@elsewhere.invalid"):
            answer = await client.post(path, json={"email": address})
            assert answer.status_code == 202, (path, address, answer.text)
            assert "on its way" in answer.json()["detail"]

    # A live account asks after them; once its mail is here, nothing went to the tombstone.
    await create_user(username="witness", verified=False)
    witness = await client.post(LOOKUPS[1], json={"email": "witness@example.com"})
    assert witness.status_code == 202
    await asyncio.to_thread(mail.wait_for, lambda m: "witness@example.com" in m["To"], 30)
    await outbox_drained()
    assert [m["To"] for m in mail.messages] == ["witness <witness@example.com>"]


@pytest.mark.parametrize("path", LOOKUPS)
async def test_a_lookup_still_refuses_what_is_no_address_or_no_json_object(client, path):
    for body in ({"email": "deleted-1@@deleted.invalid"}, {"email": "a b@x.invalid"}, {}):
        refused = await client.post(path, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"][0]["loc"] == ["body", "email"]
    wrong_shape = await client.post(path, json=["x@shop.org"])
    assert wrong_shape.status_code == 422


async def test_registration_at_a_reserved_domain_is_refused_in_production(client, monkeypatch):
    monkeypatch.setattr(settings, "email_test_domains", False)  # production's default
    for address in (
        "x@none.test",
        "x@deleted.invalid",
        "x@example.com",
        "x@mail.example.org",
        "x@shop.example",
    ):
        refused = await client.post("/api/v1/auth/register", json=signup(address))
        assert refused.status_code == 422, (address, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        [error] = refused.json()["errors"]
        assert error["loc"] == ["body", "email"]
        assert "reserved" in error["msg"], error["msg"]
    taken = await client.post("/api/v1/auth/register", json=signup("x@shop.org"))
    assert taken.status_code == 201, taken.text


async def test_a_test_domain_address_the_api_took_gets_its_mail(client, mail):
    # Outside production (.test on), as in the suite, the seed and `make run`.
    assert settings.email_test_domains is True
    created = await client.post("/api/v1/auth/register", json=signup("x@none.test"))
    assert created.status_code == 201, created.text
    message = await asyncio.to_thread(mail.wait_for, lambda m: "x@none.test" in m["To"], 30)
    assert "verify-email?token=" in message.get_body(preferencelist=("plain",)).get_content()


async def test_a_mail_to_an_address_the_mailer_refuses_fails_once_unretried(client, wait_for):
    from app.core.mailtask import recent_failures

    # Stored before the rule (or by hand): the shop takes no such address any more.
    legacy = await create_user(username="legacy", email="legacy@old.localhost", verified=False)
    answer = await client.post(LOOKUPS[1], json={"email": "legacy@old.localhost"})
    assert answer.status_code == 202

    failures = await wait_for(recent_failures, timeout=30)
    [failure] = failures
    assert failure["task"] == "send_verification_email" and failure["args"] == [legacy.id]
    assert failure["error"].startswith("UndeliverableAddress: "), failure["error"]
    assert "legacy@" not in failure["error"]
