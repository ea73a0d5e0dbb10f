"""Who opens an order: the signed-in owner, staff, or the holder of the order's link key."""

from typing import Annotated

from fastapi import Depends, Header, Request

from app.auth.dependencies import current_user, oauth2_scheme
from app.core.db import SessionDep
from app.core.errors import Unauthorized
from app.models import User
from app.orders import guests
from app.orders.service import OrderAccess

ORDER_KEY_HEADER = "X-Order-Key"


async def order_access(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    x_order_key: Annotated[
        str | None,
        Header(
            max_length=128,
            description="The key of a guest order's link (`#key=` of the link the checkout "
            "answered and mailed): opens that order, and no other (404)",
        ),
    ] = None,
) -> OrderAccess:
    """The caller's access to an order: a bearer token (a bad one is 401), the link's key,
    or both; neither is 401."""
    user = await current_user(request, session, token) if token is not None else None
    key_hash = guests.key_digest(x_order_key) if x_order_key else None
    if user is None and key_hash is None:
        raise Unauthorized("Sign in, or open the order with its link.")
    return OrderAccess(user, key_hash)


OrderAccessDep = Annotated[OrderAccess, Depends(order_access)]


async def checkout_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The customer placing an order, or None for a guest (a bad token is still 401)."""
    return await current_user(request, session, token) if token is not None else None


CheckoutUser = Annotated[User | None, Depends(checkout_user)]
