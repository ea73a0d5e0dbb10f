from typing import Any

from fastapi import APIRouter, Request, status

from app.auth.dependencies import AdminUser, CurrentUser, current_session_id
from app.auth.errors import InsufficientRole, InvalidCredentials
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.listing import ListParamsDep, Page
from app.core.security import PasswordHashingBusy
from app.core.types import PathId
from app.models import User
from app.orders.errors import OpenOrders
from app.payments.errors import BalanceNotZero
from app.users import service
from app.users.errors import (
    CannotChangeSelf,
    LastAdmin,
    UserDeleted,
    UsernameTaken,
    UserNotFound,
)
from app.users.repository import USER_LIST
from app.users.schemas import (
    PasswordChange,
    UserAdminUpdate,
    UserDeleteMe,
    UserRead,
    UserUpdateMe,
)

DELETION_RULES = """Deleting an account keeps the shop's books and loses no money:

- refused with 409 `open_orders` while an order is pending, paid, preparing or ready
  (collect or cancel it first; a cancelled paid order is refunded to the balance);
- refused with 409 `balance_not_zero` while the money account holds anything (spend it, or
  ask the shop to pay it out); unfinished top-ups are expired;
- refused with 409 `last_admin` for the last active admin (make another admin first);
- otherwise the account is anonymised: e-mail and username are replaced by a tombstone (both
  can be registered again), name, phone, address and the cart are cleared, the password stops
  working and every session ends at once. The money account with its ledger and the past
  orders stay on the books, attached to the anonymous user (the ledger is append-only)."""

UserId = PathId

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead, responses=problem_responses(Unauthorized))
async def read_me(user: CurrentUser) -> User:
    """The caller's account and profile."""
    return user


@router.patch(
    "/me", response_model=UserRead, responses=problem_responses(Unauthorized, UsernameTaken)
)
async def update_me(data: UserUpdateMe, user: CurrentUser, session: SessionDep) -> User:
    """Change username or profile. Role, e-mail and flags are not writable here (422)."""
    return await service.update_me(session, user, data)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(
        Unauthorized,
        InvalidCredentials,
        OpenOrders,
        BalanceNotZero,
        LastAdmin,
        PasswordHashingBusy,
    ),
    description="Delete your account, confirmed with your password (a wrong one answers 401 "
    "`invalid_credentials`; the session stays).\n\n" + DELETION_RULES,
)
async def delete_me(data: UserDeleteMe, user: CurrentUser, session: SessionDep) -> None:
    await service.delete_me(session, user, data.password)


@router.put(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, InvalidCredentials, PasswordHashingBusy),
)
async def change_password(
    data: PasswordChange, user: CurrentUser, request: Request, session: SessionDep
) -> None:
    """Change the password; other sessions end, this one stays."""
    await service.change_password(session, user, data, current_session_id(request))


admin_router = APIRouter(prefix="/users", tags=["users (admin)"])
ADMIN_ERRORS = problem_responses(Unauthorized, InsufficientRole)


@admin_router.get(
    "",
    response_model=Page[UserRead],
    responses=ADMIN_ERRORS,
    description="Every user. " + USER_LIST.describe(),
    openapi_extra=USER_LIST.openapi_extra(),
)
async def list_users(admin: AdminUser, session: SessionDep, params: ListParamsDep) -> Page[Any]:
    return await service.list_users(session, params)


@admin_router.get(
    "/{user_id}",
    response_model=UserRead,
    responses=problem_responses(Unauthorized, InsufficientRole, UserNotFound),
)
async def get_user(user_id: UserId, admin: AdminUser, session: SessionDep) -> User:
    return await service.get_user(session, user_id)


@admin_router.patch(
    "/{user_id}",
    response_model=UserRead,
    responses=problem_responses(
        Unauthorized,
        InsufficientRole,
        UserNotFound,
        CannotChangeSelf,
        UserDeleted,
        LastAdmin,
    ),
)
async def update_user(
    user_id: UserId, data: UserAdminUpdate, admin: AdminUser, session: SessionDep
) -> User:
    """Change role, profile or `is_active`; disabling ends every session of the user at once.
    Admins cannot disable or demote themselves, nor remove the last active admin (409)."""
    return await service.admin_update(session, admin, user_id, data)


@admin_router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(
        Unauthorized,
        InsufficientRole,
        UserNotFound,
        CannotChangeSelf,
        OpenOrders,
        BalanceNotZero,
        LastAdmin,
    ),
    description="Delete a user by the same rules as `DELETE /users/me` (no password "
    "needed); a deleted user answers 204 again and stays as it is.\n\n" + DELETION_RULES,
)
async def delete_user(user_id: UserId, admin: AdminUser, session: SessionDep) -> None:
    await service.admin_delete(session, admin, user_id)
