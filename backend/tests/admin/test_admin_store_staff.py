"""Who works at which store, said in the panel (issue 24's follow-up): an admin ticks a staff
member's stores on their user form ("Works at"); that staff member may then mark what is out
at those stores only. Driven like a browser: forms, cookies, Origin headers."""

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import AuditEntry, RoleName, StoreStaff
from tests.admin.test_admin import SAME_ORIGIN, admin_login, logged_in_admin, user_form
from tests.admin.test_admin_options import out_at, staff_member_of, unlabelled
from tests.catalog.test_variants import configurable_flat_white
from tests.factories import bearer, create_store, create_user, login


async def works_at() -> list[tuple[int, int]]:
    async with SessionFactory() as session:
        rows = await session.execute(select(StoreStaff.user_id, StoreStaff.store_id))
        return sorted((user_id, store_id) for user_id, store_id in rows)


async def test_an_admin_gives_a_support_user_dock_street_and_they_mark_oat_out_there_only(client):
    _product, ids = await configurable_flat_white()  # oat is out at Dock Street already
    market = await create_store("Market")
    sam = await create_user(role=RoleName.support, username="sam")
    admin = await logged_in_admin(client)

    form = await client.get(f"/admin/user/edit/{sam.id}")
    assert form.status_code == 200
    assert "Works at" in form.text and "Dock Street" in form.text and "Market" in form.text
    saved = await client.post(
        f"/admin/user/edit/{sam.id}",
        data=user_form(sam, RoleName.support, works_at=str(ids["dock"])),
        headers=SAME_ORIGIN,
    )
    assert saved.status_code == 302, saved.text[-2000:]
    assert await works_at() == [(sam.id, ids["dock"])]
    again = await client.get(f"/admin/user/edit/{sam.id}")
    assert f'value="{ids["dock"]}" id="works_at-{ids["dock"]}" checked' in again.text
    assert f'value="{market.id}" id="works_at-{market.id}">' in again.text
    async with SessionFactory() as session:
        entry = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "user", AuditEntry.entity_id == str(sam.id)
                )
            )
        ).one()
    assert (entry.actor_id, entry.source) == (admin.id, "panel")
    assert (entry.before, entry.after) == ({"works_at": []}, {"works_at": ["Dock Street"]})

    # Sam, in the API: oat back at Dock Street, then out again in the panel; Market is not his.
    headers = bearer(await login(client, "sam"))
    back = await client.put(
        f"/api/v1/stores/{ids['dock']}/modifiers/{ids['oat']}",
        json={"available": True},
        headers=headers,
    )
    assert back.status_code == 200, back.text
    elsewhere = await client.put(
        f"/api/v1/stores/{market.id}/modifiers/{ids['oat']}",
        json={"available": False},
        headers=headers,
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "not_store_staff"
    client.cookies.clear()
    assert (await admin_login(client, "sam")).status_code == 302
    marked = await client.post(
        f"/admin/store/modifiers/{ids['dock']}", data={"out": str(ids["oat"])}, headers=SAME_ORIGIN
    )
    assert marked.status_code == 302
    assert "Out at Dock Street now: Oat." in (await client.get(marked.headers["location"])).text
    refused = await client.post(
        f"/admin/store/modifiers/{market.id}", data={"out": str(ids["oat"])}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
    assert await out_at() == [(ids["dock"], ids["oat"])]

    # Unticked again: Sam works nowhere, and the stores' pages are gone from his panel.
    client.cookies.clear()
    await admin_login(client, admin.username)
    await client.post(
        f"/admin/user/edit/{sam.id}", data=user_form(sam, RoleName.support), headers=SAME_ORIGIN
    )
    assert await works_at() == []
    client.cookies.clear()
    assert (await admin_login(client, "sam")).status_code == 302
    assert (await client.get(f"/admin/store/details/{ids['dock']}")).status_code == 403


async def test_a_store_that_is_not_one_is_the_form_s_message_never_a_500(client):
    await create_store("Dock Street")
    sam = await create_user(role=RoleName.support, username="sam")
    await logged_in_admin(client)

    for bad in ("abc", "999999", "99999999999999999999999"):
        response = await client.post(
            f"/admin/user/edit/{sam.id}",
            data=user_form(sam, RoleName.support, works_at=bad),
            headers=SAME_ORIGIN,
        )
        assert response.status_code == 400, (bad, response.status_code)
        assert "Works at" in response.text
    assert await works_at() == []


async def test_a_customer_account_cannot_be_given_a_store_and_nothing_is_written(client):
    dock = await create_store("Dock Street")
    carol = await create_user(username="carol", full_name="Carol")
    await logged_in_admin(client)

    response = await client.post(
        f"/admin/user/edit/{carol.id}",
        data=user_form(carol, RoleName.customer, full_name="Carol Renamed", works_at=str(dock.id)),
        headers=SAME_ORIGIN,
    )

    assert response.status_code == 400
    assert "carol is a customer account and cannot work at a store" in response.text
    assert await works_at() == []
    page = await client.get(f"/admin/user/details/{carol.id}")
    assert "Carol Renamed" not in page.text  # the whole save was refused


async def test_a_non_admin_staff_member_cannot_say_who_works_where(client):
    dock = await create_store("Dock Street")
    marta = await staff_member_of(dock.id, "marta")
    other = await create_user(role=RoleName.support, username="otto")
    assert (await admin_login(client, marta.username)).status_code == 302

    page = await client.get(f"/admin/user/edit/{other.id}")
    posted = await client.post(
        f"/admin/user/edit/{other.id}",
        data=user_form(other, RoleName.support, works_at=str(dock.id)),
        headers=SAME_ORIGIN,
    )

    assert (page.status_code, posted.status_code) == (403, 403)
    assert await works_at() == [(marta.id, dock.id)]


async def test_the_user_form_labels_every_control_with_its_stores(client):
    await create_store("Dock Street")
    await create_store("Market")
    staff = await create_user(role=RoleName.support, username="sam")
    await logged_in_admin(client)

    page = await client.get(f"/admin/user/edit/{staff.id}")

    assert page.status_code == 200
    assert unlabelled(page.text) == []
    assert '<label class="form-check-label" for="works_at-' in page.text
