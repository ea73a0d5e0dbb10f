"""The test provider's page: plain HTML under a strict CSP, a form and nothing else."""

from app.core.config import settings
from tests.factories import user_headers
from tests.helpers import account_of, balance
from tests.payments.helpers import decide, path_of, read_top_up, start_top_up


async def test_the_page_is_plain_html_under_a_strict_policy(client, monkeypatch):
    monkeypatch.setattr(settings, "project_name", "Books <&> Beans")
    user, headers = await user_headers(client)
    top_up = await start_top_up(client, headers, await account_of(user.id), "19.90")

    page = await client.get(path_of(top_up["redirect_url"]))

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "form-action 'self' http://shop.test" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    html = page.text
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "Books &lt;&amp;&gt; Beans" in html and "Books <&> Beans" not in html
    assert '<html lang="en">' in html and "<title>" in html
    assert 'name="decision" value="approve"' in html and 'name="decision" value="decline"' in html
    reference = top_up["redirect_url"].rsplit("/", 1)[1]
    assert f'<form method="post" action="/api/v1/payments/test-provider/{reference}">' in html

    stylesheet = await client.get("/api/v1/payments/test-provider/assets/page.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")


async def test_unknown_references_and_bad_decisions_change_nothing(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account)
    page = path_of(top_up["redirect_url"])

    unknown = await client.get("/api/v1/payments/test-provider/NoSuchReference123")
    unknown_post = await client.post(
        "/api/v1/payments/test-provider/NoSuchReference123", data={"decision": "approve"}
    )
    bad_shape = await client.get("/api/v1/payments/test-provider/bad%20ref%21%21%21")
    maybe = await client.post(page, data={"decision": "maybe"})
    nothing = await client.post(page)

    assert unknown.status_code == 404 and unknown.json()["code"] == "top_up_not_found"
    assert unknown_post.status_code == 404
    assert bad_shape.status_code == 422
    assert maybe.status_code == 422 and nothing.status_code == 422
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"
    assert await balance(account) == 0


async def test_a_double_click_on_approve_and_decline_keeps_the_first_answer(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, "8.00")

    await decide(client, top_up, "approve")
    await decide(client, top_up, "decline")
    await decide(client, top_up, "approve")

    assert (await read_top_up(client, headers, top_up))["status"] == "succeeded"
    assert await balance(account) == 8


async def test_a_test_provider_refund_is_written_down_once_per_key_and_succeeds():
    from decimal import Decimal

    from app.core.redis import redis
    from app.payments import service
    from app.payments.providers.testing import REFUNDS_KEY

    first = await service.refund_payment("test", "test:abc", Decimal("4.50"), "EUR", "key-1")
    again = await service.refund_payment("test", "test:abc", Decimal("4.50"), "EUR", "key-1")
    other = await service.refund_payment("test", "test:abc", Decimal("1.00"), "EUR", "key-2")

    assert first.status == again.status == other.status == "succeeded"
    assert first.reference == again.reference != other.reference
    assert sorted(await redis.hkeys(REFUNDS_KEY)) == ["key-1", "key-2"]
