"""The app's own port is safe without nginx: security headers, docs from our own origin,
and /metrics only for allowed addresses or the metrics token."""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import SecretStr

from app.core.config import settings

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def own_assets(page: httpx.Response) -> list[str]:
    """The page's src/href URLs as paths; fails if one points at another host."""
    paths = []
    for url in ASSET.findall(page.text):
        parts = urlsplit(url)
        assert parts.netloc in ("", page.url.netloc.decode()), f"{url} is on another host"
        paths.append(parts.path)
    return paths


def assert_secure_headers(response: httpx.Response) -> str:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.url
    assert headers["referrer-policy"] in ("strict-origin-when-cross-origin", "same-origin")
    assert headers["x-frame-options"] == "DENY"
    assert len(headers.get_list("content-security-policy")) == 1
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "http:" not in csp and "https:" not in csp, csp  # no other host is trusted
    return csp


async def test_api_answers_carry_the_security_headers(client):
    csp = assert_secure_headers(await client.get("/api/v1/products"))
    assert csp.startswith("default-src 'self'")
    assert_secure_headers(await client.get("/api/v1/nowhere"))  # a 404 problem too
    assert_secure_headers(await client.post("/api/v1/auth/login", json={}))  # and a 422


async def test_admin_pages_carry_headers_that_let_sqladmin_work(client):
    page = await client.get("/admin/login")
    assert page.status_code == 200
    csp = assert_secure_headers(page)
    assert page.headers["referrer-policy"] == "same-origin"  # the admin's own, kept
    # Scripts from our origin, inline ones only with the response's nonce (tests/admin/
    # test_admin_csp.py); SQLAdmin's style attributes stay allowed.
    assert "script-src 'self' 'nonce-" in csp and "form-action 'self'" in csp
    assert "style-src 'self' 'unsafe-inline'" in csp
    statics = [path for path in own_assets(page) if path.startswith("/admin/statics/")]
    assert statics
    for path in statics:
        assert (await client.get(path)).status_code == 200, path


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
async def test_docs_load_only_our_own_assets_under_a_csp(client, path):
    page = await client.get(path)
    assert page.status_code == 200
    csp = assert_secure_headers(page)
    assert "//" not in "".join(ASSET.findall(page.text)), "the docs page names another host"
    assets = [path for path in own_assets(page) if path.startswith("/api/docs/assets/")]
    assert len(assets) >= 2  # the bundle and the favicon (and Swagger UI's stylesheet)
    for url in assets:
        asset = await client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    # Inline scripts are allowed one by one, by hash, never by 'unsafe-inline'.
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert len(re.findall(r"'sha256-", script_src)) >= len(inline)


async def test_redoc_asks_no_cdn_for_its_logo(client):
    bundle = await client.get("/api/docs/assets/redoc.standalone.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in bundle.text
    assert '"/api/docs/assets/favicon.png"' in bundle.text


async def test_metrics_refused_to_other_addresses_without_the_token(app, monkeypatch):
    monkeypatch.setattr(settings, "metrics_token", SecretStr("scrape-me-0123456789"))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as outsider:
        refused = await outsider.get("/metrics")
        assert refused.status_code == 404
        assert refused.headers["content-type"] == "application/problem+json"
        assert "http_requests_total" not in refused.text
        wrong = await outsider.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 404
        scraped = await outsider.get(
            "/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"}
        )
        assert scraped.status_code == 200 and "http_requests_total" in scraped.text


async def test_metrics_without_a_token_set_only_for_allowed_addresses(app, client, monkeypatch):
    monkeypatch.setattr(settings, "metrics_token", None)
    assert (await client.get("/metrics")).status_code == 200  # loopback is allowed by default
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as outsider:
        assert (await outsider.get("/metrics")).status_code == 404
        assert (
            await outsider.get("/metrics", headers={"Authorization": "Bearer "})
        ).status_code == 404
