"""product search over names, descriptions, categories and attributes, in English and Russian

`category.search_terms`: other words a category is found by (translations, synonyms).
`product.search_vector` is no longer a generated column: a trigger fills it from the product's
name (weight A), its category and every parent category's name and search terms (B), its
attribute values (C) and its description (D), with the 'russian' text search configuration
(English stemming for Latin words, Russian for Cyrillic ones); a category's change rewrites
the vectors of the products beneath it. `search_word` holds the words of names, categories and
attribute values, with a trigram index: a mistyped word of a search is read as its nearest one.

Revision ID: 0008_product_search
Revises: 0007_job_outbox
Create Date: 2026-12-07 15:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_product_search"
down_revision: str | None = "0007_job_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = [
    """
CREATE FUNCTION category_search_text(leaf bigint) RETURNS text
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
CREATE FUNCTION product_search_vector(
    name text, description text, attributes jsonb, category_id bigint
) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('russian', coalesce(name, '')), 'A')
        || setweight(to_tsvector('russian', category_search_text(category_id)), 'B')
        || setweight(jsonb_to_tsvector('russian', coalesce(attributes, '{}'), '["string"]'), 'C')
        || setweight(to_tsvector('russian', coalesce(description, '')), 'D')
$$
""",
    """
-- Whole lowercase words without punctuation, 4 to 50 characters (shorter ones are not
-- corrected), in one order so that two writers never wait on each other's words crosswise.
CREATE FUNCTION search_words_add(words tsvector) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_word (word)
    SELECT lexeme FROM unnest(words)
    WHERE length(lexeme) BETWEEN 4 AND 50 AND lexeme !~ '[[:space:][:punct:]]'
    ORDER BY lexeme
    ON CONFLICT DO NOTHING
$$
""",
    """
CREATE FUNCTION product_search_update() RETURNS trigger
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
CREATE FUNCTION category_search_update() RETURNS trigger
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
    """
CREATE TRIGGER product_search BEFORE INSERT OR UPDATE OF name, description, attributes, category_id
ON product FOR EACH ROW EXECUTE FUNCTION product_search_update()
""",
    """
CREATE TRIGGER category_search AFTER INSERT OR UPDATE OF name, search_terms, parent_id
ON category FOR EACH ROW EXECUTE FUNCTION category_search_update()
""",
]


def upgrade() -> None:
    op.add_column(
        "category", sa.Column("search_terms", sa.Text(), server_default="", nullable=False)
    )
    op.create_table(
        "search_word",
        sa.Column("word", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_word")),
    )
    op.create_index(
        "ix_search_word_word_trgm",
        "search_word",
        ["word"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={"word": "gist_trgm_ops"},
    )
    # A plain column now (made anew, so it sits last whichever way the migration went
    # before), written by the trigger.
    op.drop_index("ix_product_search_vector", table_name="product", postgresql_using="gin")
    op.drop_column("product", "search_vector")
    op.add_column(
        "product",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            server_default=sa.text("''::tsvector"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_product_search_vector",
        "product",
        ["search_vector"],
        unique=False,
        postgresql_using="gin",
    )
    for statement in FUNCTIONS:
        op.execute(statement)
    op.execute(
        "INSERT INTO search_word (word) SELECT lexeme FROM category, "
        "unnest(to_tsvector('simple', name || ' ' || search_terms)) "
        "WHERE length(lexeme) BETWEEN 4 AND 50 AND lexeme !~ '[[:space:][:punct:]]' "
        "ON CONFLICT DO NOTHING"
    )
    # Fires the trigger: every vector rewritten, every word noted.
    op.execute("UPDATE product SET name = name")


def downgrade() -> None:
    op.execute("DROP TRIGGER category_search ON category")
    op.execute("DROP TRIGGER product_search ON product")
    op.execute("DROP FUNCTION category_search_update()")
    op.execute("DROP FUNCTION product_search_update()")
    op.execute("DROP FUNCTION search_words_add(tsvector)")
    op.execute("DROP FUNCTION product_search_vector(text, text, jsonb, bigint)")
    op.execute("DROP FUNCTION category_search_text(bigint)")
    op.drop_index("ix_product_search_vector", table_name="product", postgresql_using="gin")
    op.drop_column("product", "search_vector")
    op.add_column(
        "product",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
                "setweight(to_tsvector('english', coalesce(description, '')), 'B')",
                persisted=True,
            ),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_product_search_vector",
        "product",
        ["search_vector"],
        unique=False,
        postgresql_using="gin",
    )
    op.drop_index("ix_search_word_word_trgm", table_name="search_word", postgresql_using="gist")
    op.drop_table("search_word")
    op.drop_column("category", "search_terms")
