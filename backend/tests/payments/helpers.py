"""Top-ups as the storefront and the test provider's page see them."""

from app.core.config import settings


def path_of(url: str) -> str:
    """The path of a URL on the storefront's origin (the test client talks to the app)."""
    base = settings.frontend_url.rstrip("/")
    assert url.startswith(base + "/"), url
    return url.removeprefix(base)


async def start_top_up(client, headers, account_id: int, amount: str = "25.00", **extra) -> dict:
    response = await client.post(
        f"/api/v1/accounts/{account_id}/top-ups", json={"amount": amount, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def decide(client, top_up: dict, decision: str):
    """The customer presses a button on the provider's page (a plain form POST)."""
    return await client.post(path_of(top_up["redirect_url"]), data={"decision": decision})


async def read_top_up(client, headers, top_up: dict) -> dict:
    response = await client.get(
        f"/api/v1/accounts/{top_up['account_id']}/top-ups/{top_up['id']}", headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()
