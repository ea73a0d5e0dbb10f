"""People: users are edited, disabled and anonymised through the users service, never
removed (their orders, money and conversations stay in the books)."""

from typing import Any

from sqladmin import action, expose
from sqladmin.filters import BooleanFilter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import BooleanField, SelectField, StringField

from app.admin.forms import CheckboxesField, schema_form
from app.admin.views.base import (
    AdminChangeRefused,
    SafeForeignKeyFilter,
    ShopModelView,
    acting,
    client_ip,
    done,
    refused,
    valid_pk,
)
from app.auth import service as auth_service
from app.core.db import unit_of_work
from app.models import Role, RoleName, User
from app.stores import service as stores_service
from app.users import service as users_service
from app.users.schemas import UserAdminUpdate


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": data.get("username") or "",
        "full_name": data.get("full_name") or "",
        "phone": data.get("phone") or "",
        "address": data.get("address") or "",
        "role": data.get("role") or "",
        "is_active": bool(data.get("is_active")),
    }


class UserForm(schema_form(UserAdminUpdate, _payload)):  # type: ignore[misc]
    username = StringField("Username", description="3 to 32 letters, digits, . - or _")
    full_name = StringField("Full name")
    phone = StringField("Phone")
    address = StringField("Address")
    role = SelectField("Role", choices=[(r.value, r.value) for r in RoleName])
    is_active = BooleanField(
        "Active", description="Untick to disable: the user is logged out everywhere at once."
    )


WORKS_AT_HINT = (
    "The stores a support staff member works at: they may mark what is out there (the "
    "store's page). Customers work at none; admins may everywhere."
)


class UserAdmin(ShopModelView, model=User):
    name, name_plural = "User", "Users"
    icon = "fa-solid fa-user"
    category, category_icon = "People", "fa-solid fa-users"

    # Created by registration (hashed password, verification mail); never hard-deleted: a
    # user is disabled, or anonymised for a data-protection request.
    can_create = False
    can_delete = False
    can_export = False
    page_size = 25
    form = UserForm

    column_list = [
        User.id,
        User.username,
        "full_name",
        User.email,
        User.role,
        User.is_active,
        User.is_verified,
        User.created_at,
    ]
    # Never password_hash: the details list is explicit.
    column_details_list = [
        User.id,
        User.email,
        User.username,
        "full_name",
        "phone",
        "address",
        User.role,
        User.is_active,
        User.is_verified,
        User.verified_at,
        User.last_login_at,
        User.created_at,
        User.updated_at,
        User.deleted_at,
    ]
    column_searchable_list = [User.email, User.username]
    column_sortable_list = [
        User.id,
        User.email,
        User.username,
        User.is_active,
        User.is_verified,
        User.created_at,
    ]
    column_default_sort = [("created_at", True)]
    column_filters = [
        BooleanFilter(User.is_active, title="Active"),
        BooleanFilter(User.is_verified, title="Verified"),
        SafeForeignKeyFilter(User.role_id, Role.name, title="Role", parameter_name="role"),
    ]
    column_labels = {
        User.email: "E-mail",
        User.is_active: "Active",
        User.is_verified: "Verified",
        User.verified_at: "Verified at",
        User.last_login_at: "Last login",
        User.created_at: "Registered",
        User.updated_at: "Updated",
        User.deleted_at: "Anonymised at",
        "full_name": "Name",
    }
    # There is no Role view to link to.
    non_link_related_fields = [User.role]

    async def scaffold_form(self, rules: list[str] | None = None) -> type:
        async with unit_of_work() as session:
            stores = [(s.id, s.name) for s in await stores_service.all_stores(session)]
        works_at = CheckboxesField(
            "Works at", choices=stores, description=WORKS_AT_HINT, empty_text="No stores yet."
        )
        return type("UserStaffForm", (UserForm,), {"works_at": works_at})

    async def get_form_data_for_edit(self, obj: User) -> dict[str, Any]:
        async with unit_of_work() as session:
            works_at = await stores_service.staff_store_ids(session, obj.id)
        return {
            "works_at": works_at,
            "username": obj.username,
            "full_name": obj.full_name,
            "phone": obj.phone,
            "address": obj.address,
            "role": obj.role.name,
            "is_active": obj.is_active,
        }

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        # The same rules as PATCH /users/{id}: no self-demotion, a last admin remains, and a
        # disabled or re-roled user's sessions end (after the commit too).
        # "Works at" after the role: a user made support may be given a store in one save.
        changes = UserAdminUpdate.model_validate(_payload(data))
        async with acting(request) as (session, staff):
            user = await users_service.admin_update(session, staff, int(pk), changes)
            await stores_service.set_staff_stores(
                session, staff, user.id, data.get("works_at") or []
            )
            return user

    async def _target(self, request: Request) -> User:
        pk = request.query_params.get("pks", "")
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with acting(request) as (session, _):
            user = await users_service.by_id(session, int(pk))
        if user is None:
            raise HTTPException(status_code=404)
        return user

    @action("anonymise", "Anonymise…", add_in_list=False)
    async def anonymise_page(self, request: Request) -> Response:
        user = await self._target(request)
        return await self.confirmation(
            request,
            title=f"Anonymise {user.username}?",
            facts=[
                "Their e-mail, username, name, phone and address are erased for good; they "
                "can no longer log in, and every session ends now.",
                "Their orders and money ledger stay, without their personal data.",
                "Refused while an order of theirs is open or their balance is not zero.",
            ],
            post_url=request.url_for("admin:view-user-anonymise", pk=user.id),
            button="Anonymise",
            back_url=request.url_for("admin:details", identity=self.identity, pk=user.id),
        )

    @expose("/anonymise/{pk}", methods=["POST"])
    async def anonymise(self, request: Request) -> Response:
        pk = self.permitted_pk(request, "anonymise")
        try:
            async with acting(request) as (session, staff):
                await users_service.admin_delete(session, staff, pk)
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            done(request, "The user was anonymised.", title="Done")
        return RedirectResponse(
            request.url_for("admin:details", identity=self.identity, pk=pk), status_code=302
        )

    @action("send-password-reset", "Send password reset…", add_in_list=False)
    async def reset_page(self, request: Request) -> Response:
        user = await self._target(request)
        return await self.confirmation(
            request,
            title=f"Send {user.username} a password reset link?",
            facts=[f"A link to choose a new password goes to {user.email}."],
            post_url=request.url_for("admin:view-user-send_password_reset", pk=user.id),
            button="Send the link",
            back_url=request.url_for("admin:details", identity=self.identity, pk=user.id),
        )

    @expose("/send-password-reset/{pk}", methods=["POST"])
    async def send_password_reset(self, request: Request) -> Response:
        pk = self.permitted_pk(request, "send-password-reset")
        try:
            async with acting(request) as (session, _):
                user = await auth_service.send_password_reset(session, pk, ip=client_ip(request))
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            done(request, f"A reset link was sent to {user.email}.", title="Sent")
        return RedirectResponse(
            request.url_for("admin:details", identity=self.identity, pk=pk), status_code=302
        )
