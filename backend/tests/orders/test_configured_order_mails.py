"""Mails of a configured order (issue 24): each line says the variant and modifiers as bought,
from the order line's snapshot, so a later catalog change never rewrites them."""

from decimal import Decimal

from sqlalchemy import update

from app.core.db import SessionFactory
from app.models import Modifier, ProductVariant
from tests.admin.test_admin import logged_in_admin
from tests.factories import user_headers
from tests.orders.test_configured_orders import line, stocked_flat_white
from tests.orders.test_order_mail import html_of, text_of, wait_mail


async def test_a_large_oat_flat_white_with_an_extra_shot_is_spelled_out_in_its_mails_as_bought(
    client, mail
):
    product, ids, store = await stocked_flat_white()
    _, headers = await user_headers(client, email="oat@example.com", full_name="Olga Oat")
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [
                line(
                    product.id, 2, variant_id=ids["large"], modifier_ids=[ids["oat"], ids["shot"]]
                ),
                line(product.id),  # regular, with the milk's default
            ],
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()

    confirmation = await wait_mail(mail, lambda m: "oat@example.com" in m["To"])
    text = text_of(confirmation)
    assert (
        "  2 x Flat white — Large @ €5.10 = €10.20\n      Oat +€0.40 · Extra shot +€0.60\n"
    ) in text
    assert "  1 x Flat white — Regular @ €3.20 = €3.20\n      Dairy\n" in text
    assert "Total: €13.40" in text
    html = html_of(confirmation)
    assert "Flat white — Large<br>" in html and "Oat +€0.40 · Extra shot +€0.60</span>" in html

    # The catalog changes: the size and the milk are renamed and repriced.
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(ProductVariant)
            .where(ProductVariant.id == ids["large"])
            .values(name="Grande", price=Decimal("6.00"))
        )
        await session.execute(
            update(Modifier)
            .where(Modifier.id == ids["oat"])
            .values(name="Oat drink", price_delta=Decimal("0.70"))
        )

    # Staff about to cancel read what goes back to the shelf, by size.
    await logged_in_admin(client)
    confirm = await client.get(f"/admin/order/action/cancel?pks={order['id']}")
    assert confirm.status_code == 200, confirm.text
    assert (
        "Back to the stock of Market: 1 x Flat white — Regular, 2 x Flat white — Large."
        in confirm.text
    )

    # A later mail of the same order still says what was bought.
    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    cancel_mail = await wait_mail(
        mail, lambda m: "oat@example.com" in m["To"] and "cancelled" in m["Subject"]
    )
    text = text_of(cancel_mail)
    assert "2 x Flat white — Large @ €5.10 = €10.20\n      Oat +€0.40 · Extra shot +€0.60" in text
    assert "Grande" not in text and "Oat drink" not in text and "€0.70" not in text
    assert "Grande" not in html_of(cancel_mail)
