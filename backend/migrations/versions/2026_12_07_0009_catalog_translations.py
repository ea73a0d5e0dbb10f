"""the catalog in more than one language: category and product translations, searched

`category_translation` (name, description) and `product_translation` (name, description,
attribute values) per language other than the default (SHOP_LANGUAGES' first; a CHECK lists
the others as they are when this runs). The default's text stays in the rows themselves and
is read where a translation is missing. Search takes the translations in: a product's vector
adds its translations' names (weight A), attribute values (C) and descriptions (D), a
category's translated names count as its name (B), their words join `search_word`, and a
translation's change rewrites the vectors it is part of.

Revision ID: 0009_catalog_translations
Revises: 0008_product_search
Create Date: 2026-12-07 16:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.core.config import settings

revision: str = "0009_catalog_translations"
down_revision: str | None = "0008_product_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The products under a category and every category beneath it.
_PRODUCTS_UNDER = """
        WHERE category_id IN (
            WITH RECURSIVE tree AS (
                SELECT {root} AS id
                UNION SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id
            )
            SELECT id FROM tree
        )"""
_VECTOR = "product_search_vector(name, description, attributes, category_id)"

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION category_search_text(leaf bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT id, parent_id, name, search_terms, 0 AS depth FROM category WHERE id = leaf
        UNION ALL
        SELECT c.id, c.parent_id, c.name, c.search_terms, up.depth + 1
        FROM category c JOIN up ON c.id = up.parent_id
        WHERE up.depth < 32
    )
    SELECT coalesce(string_agg(
        name || ' ' || search_terms || ' ' || coalesce(
            (SELECT string_agg(t.name, ' ') FROM category_translation t
             WHERE t.category_id = up.id), ''
        ),
        ' '
    ), '') FROM up
$$
""",
    """
CREATE FUNCTION product_translation_vector(product bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        setweight(to_tsvector('russian', coalesce(string_agg(name, ' '), '')), 'A')
        || setweight(jsonb_to_tsvector('russian', coalesce(jsonb_agg(attributes), '[]'),
                                       '["string"]'), 'C')
        || setweight(to_tsvector('russian', coalesce(string_agg(description, ' '), '')), 'D'),
        ''::tsvector
    )
    FROM product_translation WHERE product_id = product
$$
""",
    """
CREATE OR REPLACE FUNCTION product_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := product_search_vector(
        NEW.name, NEW.description, NEW.attributes, NEW.category_id
    ) || product_translation_vector(NEW.id);
    PERFORM search_words_add(
        to_tsvector('simple', coalesce(NEW.name, ''))
        || jsonb_to_tsvector('simple', coalesce(NEW.attributes, '{}'), '["string"]')
    );
    RETURN NEW;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION category_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_words_add(to_tsvector('simple', NEW.name || ' ' || NEW.search_terms));
    IF TG_OP = 'UPDATE' THEN
        UPDATE product SET search_vector = {_VECTOR} || product_translation_vector(id)
        {_PRODUCTS_UNDER.format(root="NEW.id")};
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE FUNCTION category_translation_search() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed category_translation := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM search_words_add(to_tsvector('simple', NEW.name));
    END IF;
    UPDATE product SET search_vector = {_VECTOR} || product_translation_vector(id)
    {_PRODUCTS_UNDER.format(root="changed.category_id")};
    RETURN NULL;
END
$$
""",
    f"""
CREATE FUNCTION product_translation_search() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed product_translation := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM search_words_add(
            to_tsvector('simple', NEW.name)
            || jsonb_to_tsvector('simple', NEW.attributes, '["string"]')
        );
    END IF;
    UPDATE product SET search_vector = {_VECTOR} || product_translation_vector(id)
    WHERE id = changed.product_id;
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER category_translation_search AFTER INSERT OR UPDATE OR DELETE
ON category_translation FOR EACH ROW EXECUTE FUNCTION category_translation_search()
""",
    """
CREATE TRIGGER product_translation_search AFTER INSERT OR UPDATE OR DELETE
ON product_translation FOR EACH ROW EXECUTE FUNCTION product_translation_search()
""",
]

# Migration 0008's versions, for the downgrade.
PREVIOUS_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION category_search_text(leaf bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT id, parent_id, name, search_terms, 0 AS depth FROM category WHERE id = leaf
        UNION ALL
        SELECT c.id, c.parent_id, c.name, c.search_terms, up.depth + 1
        FROM category c JOIN up ON c.id = up.parent_id
        WHERE up.depth < 32
    )
    SELECT coalesce(string_agg(name || ' ' || search_terms, ' '), '') FROM up
$$
""",
    """
CREATE OR REPLACE FUNCTION product_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := product_search_vector(
        NEW.name, NEW.description, NEW.attributes, NEW.category_id
    );
    PERFORM search_words_add(
        to_tsvector('simple', coalesce(NEW.name, ''))
        || jsonb_to_tsvector('simple', coalesce(NEW.attributes, '{}'), '["string"]')
    );
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION category_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_words_add(to_tsvector('simple', NEW.name || ' ' || NEW.search_terms));
    IF TG_OP = 'UPDATE' THEN
        UPDATE product
        SET search_vector = product_search_vector(name, description, attributes, category_id)
        WHERE category_id IN (
            WITH RECURSIVE tree AS (
                SELECT NEW.id AS id
                UNION SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id
            )
            SELECT id FROM tree
        );
    END IF;
    RETURN NULL;
END
$$
""",
]


def _language_check(table: str) -> sa.CheckConstraint:
    codes = ", ".join(f"'{code}'" for code in settings.languages[1:])
    return sa.CheckConstraint(
        f"language IN ({codes})" if codes else "false", name=op.f(f"ck_{table}_language")
    )


def upgrade() -> None:
    op.create_table(
        "category_translation",
        sa.Column("category_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        _language_check("category_translation"),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_category_translation_category_id_category"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "language", name=op.f("pk_category_translation")),
    )
    op.create_table(
        "product_translation",
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        _language_check("product_translation"),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_translation_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "language", name=op.f("pk_product_translation")),
    )
    for statement in FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER product_translation_search ON product_translation")
    op.execute("DROP TRIGGER category_translation_search ON category_translation")
    op.execute("DROP FUNCTION product_translation_search()")
    op.execute("DROP FUNCTION category_translation_search()")
    for statement in PREVIOUS_FUNCTIONS:
        op.execute(statement)
    op.execute("DROP FUNCTION product_translation_vector(bigint)")
    op.drop_table("product_translation")
    op.drop_table("category_translation")
    # Fires the trigger: every vector rewritten without the translations.
    op.execute("UPDATE product SET name = name")
