"""The shop's app plus one route that fails like a bug would: for the Sentry test only.

Served by the test's own uvicorn (`tests.core.crashing_app:app`); the shop never mounts it.
The route holds what a real handler holds when it fails: the caller's bearer token and
cookies, the CSRF header, and a body with an e-mail address and a password.
"""

from typing import Annotated

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from app.auth.dependencies import CurrentUser
from app.main import app

router = APIRouter()


class Delivery(BaseModel):
    email: str
    password: str


@router.post("/api/v1/test-only/crash")
async def crash(
    request: Request,
    user: CurrentUser,
    delivery: Delivery,
    x_csrf_token: Annotated[str, Header()],
):
    authorization = request.headers["authorization"]
    cookies = dict(request.cookies)
    assert authorization and cookies and x_csrf_token and user
    raise RuntimeError(f"cannot deliver to {delivery.email}")


app.include_router(router)
