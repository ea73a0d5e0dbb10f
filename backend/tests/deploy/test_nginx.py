"""The shop's nginx configuration, live: Debian's nginx 1.22 in front of a real uvicorn of the
test stack, with the self-signed certificate of a first start (nginx/certificate.sh).

The image runs a newer nginx on the same file; nothing in it may need more than nginx 1.22."""

import json
import os
import socket
import ssl
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Origin

from tests.deploy.nginx import prepare
from tests.support.chat import SHOP_ORIGIN, person

INDEX = (
    '<!doctype html><html lang="en"><head><title>The Shop</title></head>'
    "<body><div id=root>spa-index</div></body></html>"
)


@pytest.fixture(scope="module")
def nginx(api_server):
    folder = Path(os.environ["SHOP_DATA_DIR"]) / "nginx"
    # The folder the test stack's API servers serve the storefront from (tests/conftest.py).
    spa, acme = Path(os.environ["SHOP_DATA_DIR"]) / "spa", folder / "acme"
    (spa / "assets").mkdir(parents=True, exist_ok=True)
    (spa / "index.html").write_text(INDEX)
    (spa / "favicon.ico").write_bytes(b"\x00\x00\x01\x00icon")
    (spa / "manifest.webmanifest").write_text('{"name": "The Shop"}')
    (spa / "assets" / "app-1a2b3c.js").write_text("console.log('shop')")
    (acme / ".well-known" / "acme-challenge").mkdir(parents=True, exist_ok=True)
    (acme / ".well-known" / "acme-challenge" / "token-123").write_text("token-123.thumbprint")
    server = prepare(folder, api_server, spa, acme)
    checked = server.test_config()
    assert checked.returncode == 0, checked.stderr
    assert "[emerg]" not in checked.stderr
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tls(nginx) -> ssl.SSLContext:
    """A client that trusts the self-signed certificate, and nothing else."""
    return ssl.create_default_context(cafile=str(nginx.cert_dir / "fullchain.pem"))


@pytest.fixture
async def https(nginx, tls):
    async with httpx.AsyncClient(
        base_url=f"https://127.0.0.1:{nginx.https_port}", verify=tls, timeout=10
    ) as client:
        yield client


def assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert len(headers.get_list("content-security-policy")) == 1
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["server"] == "nginx"  # no version


async def test_the_api_answers_over_https_with_the_security_headers(https):
    response = await https.get("/api/v1/health/live")
    assert response.status_code == 200
    assert response.http_version == "HTTP/1.1"
    assert_security_headers(response)
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


async def test_plain_http_redirects_to_https_without_hsts(nginx):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{nginx.http_port}") as http:
        moved = await http.get("/catalog/books?page=2")
        assert moved.status_code == 301
        assert moved.headers["location"] == (
            f"https://localhost:{nginx.https_port}/catalog/books?page=2"
        )
        assert "strict-transport-security" not in moved.headers
        # Let's Encrypt's http-01 challenge is answered over HTTP, from the shared folder.
        challenge = await http.get("/.well-known/acme-challenge/token-123")
        assert challenge.status_code == 200 and challenge.text == "token-123.thumbprint"
        assert (await http.get("/healthz")).text == "ok\n"


async def test_metrics_are_not_served_to_the_public(https, api_server):
    async with httpx.AsyncClient() as direct:  # the app itself answers loopback callers
        assert (await direct.get(f"{api_server}/metrics")).status_code == 200
    hidden = await https.get("/metrics")
    assert hidden.status_code == 404
    assert "strict-transport-security" in hidden.headers


async def test_client_routes_get_the_spa_and_assets_are_cached_for_good(https):
    page = await https.get("/catalog/books/atlas")
    assert page.status_code == 200
    assert "spa-index" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert_security_headers(page)
    asset = await https.get("/assets/app-1a2b3c.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await https.get("/assets/app-missing.js")).status_code == 404


async def test_the_admin_s_nonce_policy_passes_through_nginx_as_the_app_made_it(https):
    pages = [await https.get("/admin/login") for _ in range(2)]
    policies = []
    for page in pages:
        assert page.status_code == 200
        assert len(page.headers.get_list("content-security-policy")) == 1
        policy = page.headers["content-security-policy"]
        script_src = next(part for part in policy.split(";") if "script-src " in part)
        assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src, policy
        policies.append(policy)
    assert policies[0] != policies[1]  # nginx neither replaces nor caches it: a new nonce


async def test_pages_carry_their_meta_and_missing_files_are_404_through_nginx(https):
    page = await https.get("/about")
    assert page.status_code == 200
    assert "spa-index" in page.text
    assert '<link rel="canonical"' in page.text
    assert '<meta property="og:title"' in page.text
    assert_security_headers(page)
    robots = await https.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /api/" in robots.text
    sitemap = await https.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert sitemap.headers["content-type"].startswith("application/xml")
    for missing in ("/missing.png", "/nope.js"):
        answer = await https.get(missing)
        assert answer.status_code == 404
        assert "spa-index" not in answer.text
    icon = await https.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    manifest = await https.get("/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"


def handshake(port: int, context: ssl.SSLContext) -> str | None:
    """The TLS version nginx agrees to with this client."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as conn,
    ):
        return conn.version()


def test_only_modern_tls_with_forward_secrecy_is_offered(nginx, tls):
    assert handshake(nginx.https_port, tls) == "TLSv1.3"
    tls12 = ssl.create_default_context(cafile=str(nginx.cert_dir / "fullchain.pem"))
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    assert handshake(nginx.https_port, tls12) == "TLSv1.2"
    # TLS 1.2 without forward secrecy (RSA key exchange) is refused.
    legacy = ssl.create_default_context(cafile=str(nginx.cert_dir / "fullchain.pem"))
    legacy.maximum_version = ssl.TLSVersion.TLSv1_2
    legacy.set_ciphers("AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA")
    with pytest.raises(ssl.SSLError):
        handshake(nginx.https_port, legacy)


async def test_the_support_chat_upgrades_through_nginx(client, nginx, tls):
    _, token = await person(client)
    async with connect(
        f"wss://127.0.0.1:{nginx.https_port}/api/v1/support/ws",
        ssl=tls,
        origin=Origin(SHOP_ORIGIN),
        proxy=None,
        open_timeout=10,
    ) as ws:
        assert ws.response.status_code == 101
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(await ws.recv())["type"] == "auth_ok"
        await ws.send(json.dumps({"type": "ping", "ref": "through-nginx"}))
        frames = [json.loads(await ws.recv())]
        while frames[-1]["type"] != "pong":  # the chat's history may come first
            frames.append(json.loads(await ws.recv()))
        assert frames[-1].get("ref") == "through-nginx", frames
