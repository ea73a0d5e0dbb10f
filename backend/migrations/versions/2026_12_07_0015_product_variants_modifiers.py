"""product variants and modifier groups; stock, cart and order lines by variant

Every product becomes a product with one variant (`product_variant`: SKU "P<product id>",
no name, the product's price and timestamps); its stock rows, cart lines and order lines
point at that variant. Stock is keyed by (store_id, variant_id) and keeps `product_id` (the
variant's product) for the product-level reads. New: variant translations, shared modifier
groups with their modifiers (and translations), the groups a product carries and the
modifiers a store is out of. A cart line is unique per (cart, variant, sorted modifier ids);
an order line keeps the variant's name and the modifiers as bought, and one order may have
two lines of one product.

Triggers keep the rules in the database (docs/variants.md):
- a new product gets its default variant (the product's price);
- `product.price` is the lowest active variant price, after any variant change;
- a product's price set directly moves its only variant's price (the single-variant API
  of before); with several variants it is set back to the lowest;
- a stock row, cart line or order line written without a variant gets the product's default
  variant (first active by position, id): the bridge for single-variant writes.

Downgrade refuses while any product has more than one variant or any cart or order line
has modifiers (that would lose what was sold); otherwise it folds back, losing only the
SKUs, names and attributes of the single variants and the modifier catalog.

Revision ID: 0015_product_variants_modifiers
Revises: 0014_store_pay_at_pickup
Create Date: 2026-12-07 20:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.core.config import settings

revision: str = "0015_product_variants_modifiers"
down_revision: str | None = "0014_store_pay_at_pickup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODES = ", ".join(f"'{code}'" for code in settings.languages[1:])
_LANGUAGES = f"language IN ({_CODES})" if _CODES else "false"

FUNCTIONS = [
    """
CREATE FUNCTION default_variant(product bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT id FROM product_variant WHERE product_id = product
    ORDER BY is_active DESC, position, id LIMIT 1
$$
""",
    """
CREATE FUNCTION product_price_from_variants(product bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE product p SET price = v.lowest
    FROM (SELECT min(price) AS lowest FROM product_variant
          WHERE product_id = product AND is_active) v
    WHERE p.id = product AND v.lowest IS NOT NULL AND p.price IS DISTINCT FROM v.lowest
$$
""",
    """
CREATE FUNCTION product_default_variant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_variant (product_id, sku, price) VALUES (NEW.id, 'P' || NEW.id, NEW.price);
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION variant_price_to_product() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM product_price_from_variants(OLD.product_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
        PERFORM product_price_from_variants(NEW.product_id);
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION product_price_to_variant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM product_variant WHERE product_id = NEW.id) = 1 THEN
        UPDATE product_variant SET price = NEW.price, updated_at = now()
        WHERE product_id = NEW.id AND price IS DISTINCT FROM NEW.price;
    ELSE
        PERFORM product_price_from_variants(NEW.id);
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION line_default_variant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.variant_id IS NULL AND NEW.product_id IS NOT NULL THEN
        NEW.variant_id := default_variant(NEW.product_id);
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE FUNCTION stock_variant_product() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.variant_id IS NULL THEN
        NEW.variant_id := default_variant(NEW.product_id);
    END IF;
    NEW.product_id := (SELECT product_id FROM product_variant WHERE id = NEW.variant_id);
    RETURN NEW;
END
$$
""",
]
_FUNCTION_NAMES = [
    "stock_variant_product()",
    "line_default_variant()",
    "product_price_to_variant()",
    "variant_price_to_product()",
    "product_default_variant()",
    "product_price_from_variants(bigint)",
    "default_variant(bigint)",
]
TRIGGERS = [
    "CREATE TRIGGER product_default_variant AFTER INSERT ON product"
    " FOR EACH ROW EXECUTE FUNCTION product_default_variant()",
    # Updating a variant's price, activity or product, inserting or deleting one.
    "CREATE TRIGGER variant_price_to_product"
    " AFTER INSERT OR DELETE OR UPDATE OF price, is_active, product_id ON product_variant"
    " FOR EACH ROW EXECUTE FUNCTION variant_price_to_product()",
    "CREATE TRIGGER product_price_to_variant AFTER UPDATE OF price ON product"
    " FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price)"
    " EXECUTE FUNCTION product_price_to_variant()",
    "CREATE TRIGGER stock_default_variant BEFORE INSERT OR UPDATE OF variant_id ON stock"
    " FOR EACH ROW EXECUTE FUNCTION stock_variant_product()",
    "CREATE TRIGGER cart_item_default_variant BEFORE INSERT ON cart_item"
    " FOR EACH ROW EXECUTE FUNCTION line_default_variant()",
    "CREATE TRIGGER order_item_default_variant BEFORE INSERT ON order_item"
    " FOR EACH ROW EXECUTE FUNCTION line_default_variant()",
]
# What a downgrade would lose (NULL: nothing).
_DOWNGRADE_BLOCKERS = """
SELECT concat_ws('; ',
    (SELECT count(*) || ' product(s) with more than one variant' FROM (
        SELECT product_id FROM product_variant GROUP BY product_id HAVING count(*) > 1
    ) several HAVING count(*) > 0),
    (SELECT count(*) || ' cart line(s) with modifiers' FROM cart_item
     WHERE modifier_ids <> '{}' HAVING count(*) > 0),
    (SELECT count(*) || ' order line(s) with modifiers or a variant name' FROM order_item
     WHERE modifiers <> '[]' OR variant_name <> '' HAVING count(*) > 0)
)
"""


def upgrade() -> None:
    op.create_table(
        "modifier_group",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("required", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("min_choices", sa.Integer(), server_default="0", nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("default_modifier_id", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind = 'multiple' OR (min_choices <= 1 AND coalesce(max_choices, 1) = 1)",
            name=op.f("ck_modifier_group_single_is_one"),
        ),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple')", name=op.f("ck_modifier_group_kind_known")
        ),
        sa.CheckConstraint(
            "min_choices >= 0 AND (max_choices IS NULL OR max_choices >= min_choices)",
            name=op.f("ck_modifier_group_choices_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modifier_group")),
    )
    op.create_index(
        op.f("ix_modifier_group_created_at"), "modifier_group", ["created_at"], unique=False
    )
    op.create_table(
        "modifier",
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "price_delta", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False
        ),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["modifier_group.id"],
            name=op.f("fk_modifier_group_id_modifier_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modifier")),
    )
    op.create_index(op.f("ix_modifier_created_at"), "modifier", ["created_at"], unique=False)
    op.create_index(
        "ix_modifier_group_position", "modifier", ["group_id", "position", "id"], unique=False
    )
    op.create_foreign_key(
        op.f("fk_modifier_group_default_modifier_id_modifier"),
        "modifier_group",
        "modifier",
        ["default_modifier_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_table(
        "modifier_group_translation",
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.CheckConstraint(_LANGUAGES, name=op.f("ck_modifier_group_translation_language")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["modifier_group.id"],
            name=op.f("fk_modifier_group_translation_group_id_modifier_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "language", name=op.f("pk_modifier_group_translation")),
    )
    op.create_table(
        "modifier_translation",
        sa.Column("modifier_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.CheckConstraint(_LANGUAGES, name=op.f("ck_modifier_translation_language")),
        sa.ForeignKeyConstraint(
            ["modifier_id"],
            ["modifier.id"],
            name=op.f("fk_modifier_translation_modifier_id_modifier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("modifier_id", "language", name=op.f("pk_modifier_translation")),
    )
    op.create_table(
        "modifier_unavailable",
        sa.Column("modifier_id", sa.BigInteger(), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["modifier_id"],
            ["modifier.id"],
            name=op.f("fk_modifier_unavailable_modifier_id_modifier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
            name=op.f("fk_modifier_unavailable_store_id_store"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("modifier_id", "store_id", name=op.f("pk_modifier_unavailable")),
    )
    op.create_index(
        op.f("ix_modifier_unavailable_store_id"), "modifier_unavailable", ["store_id"], unique=False
    )
    op.create_table(
        "product_modifier_group",
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["modifier_group.id"],
            name=op.f("fk_product_modifier_group_group_id_modifier_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_modifier_group_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "group_id", name=op.f("pk_product_modifier_group")),
    )
    op.create_index(
        op.f("ix_product_modifier_group_group_id"),
        "product_modifier_group",
        ["group_id"],
        unique=False,
    )
    op.create_table(
        "product_variant",
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_product_variant_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_variant_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_variant")),
        sa.UniqueConstraint("sku", name=op.f("uq_product_variant_sku")),
    )
    op.create_index(
        op.f("ix_product_variant_created_at"), "product_variant", ["created_at"], unique=False
    )
    op.create_index(
        "ix_product_variant_product_position",
        "product_variant",
        ["product_id", "position", "id"],
        unique=False,
    )
    # Every product becomes a product with one variant: its price, its timestamps.
    op.execute(
        "INSERT INTO product_variant (product_id, sku, price, created_at, updated_at)"
        " SELECT id, 'P' || id, price, created_at, updated_at FROM product ORDER BY id"
    )
    op.create_table(
        "product_variant_translation",
        sa.Column("variant_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.CheckConstraint(_LANGUAGES, name=op.f("ck_product_variant_translation_language")),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variant.id"],
            name=op.f("fk_product_variant_translation_variant_id_product_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "variant_id", "language", name=op.f("pk_product_variant_translation")
        ),
    )
    op.add_column("cart_item", sa.Column("variant_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "cart_item",
        sa.Column(
            "modifier_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'::bigint[]"),
            nullable=False,
        ),
    )
    op.execute(
        "UPDATE cart_item c SET variant_id = v.id FROM product_variant v"
        " WHERE v.product_id = c.product_id"
    )
    op.drop_constraint(op.f("uq_cart_item_cart_id_product_id"), "cart_item", type_="unique")
    op.create_index(op.f("ix_cart_item_variant_id"), "cart_item", ["variant_id"], unique=False)
    op.create_index(
        "uq_cart_item_configuration",
        "cart_item",
        ["cart_id", "variant_id", "modifier_ids"],
        unique=True,
    )
    op.create_foreign_key(
        op.f("fk_cart_item_variant_id_product_variant"),
        "cart_item",
        "product_variant",
        ["variant_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("order_item", sa.Column("variant_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "order_item",
        sa.Column("variant_name", sa.String(length=100), server_default="", nullable=False),
    )
    op.add_column(
        "order_item",
        sa.Column(
            "modifiers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.execute(
        "UPDATE order_item o SET variant_id = v.id FROM product_variant v"
        " WHERE v.product_id = o.product_id"
    )
    op.drop_constraint(op.f("uq_order_item_order_id_product_id"), "order_item", type_="unique")
    op.create_index(op.f("ix_order_item_variant_id"), "order_item", ["variant_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_order_item_variant_id_product_variant"),
        "order_item",
        "product_variant",
        ["variant_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("stock", sa.Column("variant_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE stock s SET variant_id = v.id FROM product_variant v"
        " WHERE v.product_id = s.product_id"
    )
    op.alter_column("stock", "variant_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_constraint(op.f("pk_stock"), "stock", type_="primary")
    op.create_primary_key(op.f("pk_stock"), "stock", ["store_id", "variant_id"])
    op.create_index(op.f("ix_stock_variant_id"), "stock", ["variant_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_stock_variant_id_product_variant"),
        "stock",
        "product_variant",
        ["variant_id"],
        ["id"],
        ondelete="CASCADE",
    )

    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    connection = op.get_bind()
    blocked = connection.execute(sa.text(_DOWNGRADE_BLOCKERS)).scalar_one()
    if blocked:
        raise RuntimeError(
            "0015 cannot be undone without losing data: " + blocked + " (docs/variants.md,"
            " 'Downgrade')"
        )
    for trigger in ("product_default_variant", "product_price_to_variant"):
        op.execute(f"DROP TRIGGER {trigger} ON product")
    op.execute("DROP TRIGGER variant_price_to_product ON product_variant")
    for table in ("stock", "cart_item", "order_item"):
        op.execute(f"DROP TRIGGER {table}_default_variant ON {table}")
    for function in _FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION {function}")
    op.drop_constraint(op.f("pk_stock"), "stock", type_="primary")
    op.create_primary_key(op.f("pk_stock"), "stock", ["store_id", "product_id"])
    op.drop_constraint(op.f("fk_stock_variant_id_product_variant"), "stock", type_="foreignkey")
    op.drop_index(op.f("ix_stock_variant_id"), table_name="stock")
    op.drop_column("stock", "variant_id")
    op.drop_constraint(
        op.f("fk_order_item_variant_id_product_variant"), "order_item", type_="foreignkey"
    )
    op.drop_index(op.f("ix_order_item_variant_id"), table_name="order_item")
    op.create_unique_constraint(
        op.f("uq_order_item_order_id_product_id"), "order_item", ["order_id", "product_id"]
    )
    op.drop_column("order_item", "modifiers")
    op.drop_column("order_item", "variant_name")
    op.drop_column("order_item", "variant_id")
    op.drop_constraint(
        op.f("fk_cart_item_variant_id_product_variant"), "cart_item", type_="foreignkey"
    )
    op.drop_index("uq_cart_item_configuration", table_name="cart_item")
    op.drop_index(op.f("ix_cart_item_variant_id"), table_name="cart_item")
    op.create_unique_constraint(
        op.f("uq_cart_item_cart_id_product_id"), "cart_item", ["cart_id", "product_id"]
    )
    op.drop_column("cart_item", "modifier_ids")
    op.drop_column("cart_item", "variant_id")
    op.drop_table("product_variant_translation")
    op.drop_index("ix_product_variant_product_position", table_name="product_variant")
    op.drop_index(op.f("ix_product_variant_created_at"), table_name="product_variant")
    op.drop_table("product_variant")
    op.drop_index(op.f("ix_product_modifier_group_group_id"), table_name="product_modifier_group")
    op.drop_table("product_modifier_group")
    op.drop_index(op.f("ix_modifier_unavailable_store_id"), table_name="modifier_unavailable")
    op.drop_table("modifier_unavailable")
    op.drop_constraint(
        op.f("fk_modifier_group_default_modifier_id_modifier"), "modifier_group", type_="foreignkey"
    )
    op.drop_table("modifier_translation")
    op.drop_table("modifier_group_translation")
    op.drop_index("ix_modifier_group_position", table_name="modifier")
    op.drop_index(op.f("ix_modifier_created_at"), table_name="modifier")
    op.drop_table("modifier")
    op.drop_index(op.f("ix_modifier_group_created_at"), table_name="modifier_group")
    op.drop_table("modifier_group")
