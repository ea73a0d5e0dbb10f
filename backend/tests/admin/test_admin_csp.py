"""The panel's Content-Security-Policy: scripts come from our own files, or are inline with the
nonce of this very response; never 'unsafe-inline', so markup that slips into a page (a stored
product name, a message) cannot run, even where escaping were to fail."""

import re

import httpx

from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin, make_catalog
from tests.factories import create_user

NONCE = re.compile(r"'nonce-([^']+)'")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# An on...= attribute inside a tag (onclick, onsubmit, ...): no nonce can allow one.
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directive(response: httpx.Response, name: str) -> str:
    assert len(response.headers.get_list("content-security-policy")) == 1, response.url
    for part in response.headers["content-security-policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return " ".join(words[1:])
    raise AssertionError(f"no {name} in the CSP of {response.url}")


def page_nonce(page: httpx.Response) -> str:
    """The nonce the page's CSP allows, once checked that nothing else lets an inline script
    run, and that every inline script of the page carries it."""
    assert page.status_code == 200, page.url
    scripts = directive(page, "script-src")
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, scripts
    assert directive(page, "script-src-attr") == "'none'"
    nonces = NONCE.findall(scripts)
    assert len(nonces) == 1, scripts
    assert len(nonces[0]) >= 22  # at least 128 bits, base64
    for attributes in SCRIPT_TAG.findall(page.text):
        if "src=" not in attributes:
            assert f'nonce="{nonces[0]}"' in attributes, f"inline script without nonce: {page.url}"
    assert not HANDLER.search(page.text), HANDLER.search(page.text)
    return nonces[0]


async def test_the_panel_runs_no_inline_script_unless_it_carries_this_response_s_nonce(client):
    login_page = await client.get("/admin/login")
    await logged_in_admin(client)
    ids = await make_catalog()
    customer = await create_user(username="forgetful")
    # A reset link sent: the user's page shows SQLAdmin's toast, which an inline script opens.
    sent = await client.post(f"/admin/user/send-password-reset/{customer.id}", headers=SAME_ORIGIN)
    toast_page = await client.get(sent.headers["location"])
    assert "A reset link was sent" in toast_page.text and "<script nonce=" in toast_page.text

    pages = [
        login_page,
        toast_page,
        await client.get("/admin/"),
        await client.get("/admin/"),
        await client.get("/admin/product/list"),
        await client.get(f"/admin/product/edit/{ids['product']}"),
        await client.get(f"/admin/product/details/{ids['product']}"),
        await client.get("/admin/category/create"),
        await client.get("/admin/audit-entry/list"),
        await client.get(f"/admin/user/action/send-password-reset?pks={customer.id}"),
    ]
    nonces = [page_nonce(page) for page in pages]
    assert len(set(nonces)) == len(nonces), "a nonce was used twice"


async def test_the_panel_s_own_script_files_are_served_from_its_statics(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    page = await client.get(f"/admin/product/edit/{ids['product']}")
    assert 'data-confirm="Delete this image?"' in page.text
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page.text)
    ours = [src for src in sources if "/admin/statics/shop/" in src]
    assert ours, sources
    for src in ours:
        script = await client.get(src)
        assert script.status_code == 200, src
        kind = script.headers["content-type"]
        assert kind.startswith(("text/javascript", "application/javascript")), kind
        assert "addEventListener" in script.text
