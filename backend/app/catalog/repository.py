"""Catalog queries: category subtrees, product search, the list specs."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import TSQUERY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import selectinload, undefer

from app.core.db import engine
from app.core.language import DEFAULT_LANGUAGE, LANGUAGES
from app.core.listing import (
    Filter,
    ListParams,
    ListSpec,
    Page,
    count_key,
    paginate,
    search_columns,
)
from app.models import (
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    ProductVariant,
    SearchWord,
    Stock,
)

_WORD = re.compile(r"\w+", re.UNICODE)


def subtree_ids(root_ids: list[int]) -> Select[int]:
    """The ids of the given categories and all their descendants (a recursive CTE)."""
    # Unnamed: two category filters in one query each get their own CTE.
    tree = select(Category.id).where(Category.id.in_(root_ids)).cte(recursive=True)
    tree = tree.union(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def _category_filter(op: str, value: int | list[int]) -> ColumnElement[bool]:
    ids = value if isinstance(value, list) else [value]
    return Product.category_id.in_(subtree_ids(ids))


def _in_stock_at(op: str, value: int | list[int]) -> ColumnElement[bool]:
    """In stock at one of these stores: any active variant of the product is."""
    store_ids = value if isinstance(value, list) else [value]
    return exists().where(
        Stock.product_id == Product.id,
        Stock.store_id.in_(store_ids),
        Stock.quantity > 0,
        ProductVariant.id == Stock.variant_id,
        ProductVariant.is_active,
    )


# One configuration for documents and searches: PostgreSQL's 'russian' stems Latin words with
# the English stemmer (and drops English stop words) and Cyrillic words with the Russian one.
SEARCH_CONFIG: ColumnElement[Any] = literal_column("'russian'::regconfig")
# A search word of this many letters or more that the catalog does not hold is also read as the
# catalog's nearest word (search_word), when at least this similar (pg_trgm trigrams).
TYPO_MIN_LENGTH = 4
TYPO_MIN_SIMILARITY = 0.5
MAX_WORDS = 8


def _words(q: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(q)][:MAX_WORDS]


def _nearest_word(word: str) -> ColumnElement[Any]:
    """The catalog's word nearest to `word` (itself when the catalog has it), or `word`."""
    near = SearchWord.word.op("<->", return_type=Float)(word)
    nearest = (
        select(SearchWord.word)
        .where(
            SearchWord.word.op("%", return_type=Boolean)(word),
            func.similarity(SearchWord.word, word) >= TYPO_MIN_SIMILARITY,
        )
        .order_by(near)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(nearest, literal(word))


def search_query(q: str) -> ColumnElement[Any]:
    """The tsquery of `q`: its websearch reading (phrases, `or`, `-word`), or every word as a
    prefix (`harb` finds Harbour), each word also as the nearest word of the catalog when
    mistyped (`cofee` finds coffee)."""
    query: ColumnElement[Any] = func.websearch_to_tsquery(SEARCH_CONFIG, q)
    words = _words(q)
    if not words:
        return query
    every: ColumnElement[Any] | None = None
    for word in words:
        term: ColumnElement[Any] = func.to_tsquery(SEARCH_CONFIG, literal(word + ":*"))
        if len(word) >= TYPO_MIN_LENGTH:
            nearest = func.to_tsquery(SEARCH_CONFIG, _nearest_word(word) + ":*")
            term = term.op("||", return_type=TSQUERY)(nearest)
        every = term if every is None else every.op("&&", return_type=TSQUERY)(term)
    assert every is not None
    return query.op("||", return_type=TSQUERY)(every)


def product_search(q: str) -> ColumnElement[bool]:
    """Names, descriptions, category names and search terms (the product's category and
    its parents), attribute values: stemmed, by prefix and typo-tolerant (search_query);
    one GIN index lookup."""
    return Product.search_vector.op("@@", return_type=Boolean)(search_query(q))


def product_rank(q: str) -> ColumnElement[float]:
    """Name matches first (weight A, and trigrams: how well `q` matches words of the name,
    mistyped or not, and the whole name), then the category's (B), attribute values' (C)
    and the description's (D)."""
    rank: ColumnElement[float] = func.ts_rank(Product.search_vector, search_query(q))
    name = literal(q)
    return rank + func.word_similarity(name, Product.name) + func.similarity(name, Product.name)


# Best matches first among the newest RANK_WINDOW matches of a search (all of them when fewer).
RANK_WINDOW = 1000

PRODUCT_FILTERS = {
    "id": Filter(Product.id, int),
    "name": Filter(Product.name),
    "slug": Filter(Product.slug),
    "price": Filter(Product.price, Decimal, ("eq", "in", "gte", "lte")),
    "category_id": Filter(Product.category_id, int, ("eq", "in"), custom=_category_filter),
    "is_active": Filter(Product.is_active, bool, ("eq",)),
    "created_at": Filter(Product.created_at, datetime, ("gte", "lte")),
    "updated_at": Filter(Product.updated_at, datetime, ("gte", "lte")),
    "store_id": Filter(Product.id, int, ("eq", "in"), custom=_in_stock_at),
}
PRODUCT_SORTS = {
    "id": Product.id,
    "name": Product.name,
    "price": Product.price,
    "created_at": Product.created_at,
    "updated_at": Product.updated_at,
}
PRODUCT_LIST = ListSpec(
    filters=PRODUCT_FILTERS,
    sorts=PRODUCT_SORTS,
    default_sort=[Product.name.asc()],
    search=product_search,
    rank=product_rank,
    tiebreak=Product.id.asc(),
    tiebreak_follows_sort=True,
    rank_window=RANK_WINDOW,
)


def product_list_spec(
    filters: dict[str, Filter], sorts: dict[str, Any], *, without: tuple[str, ...] = ()
) -> ListSpec:
    """The product list's filters, sort keys and search (but `without`), plus `filters` and
    `sorts` of its own, for another list of products (a store's assortment, say)."""
    return ListSpec(
        filters={
            **{k: v for k, v in PRODUCT_FILTERS.items() if k not in without},
            **filters,
        },
        sorts={**PRODUCT_SORTS, **sorts},
        default_sort=PRODUCT_LIST.default_sort,
        search=PRODUCT_LIST.search,
        rank=PRODUCT_LIST.rank,
        tiebreak=PRODUCT_LIST.tiebreak,
        tiebreak_follows_sort=True,
    )


CATEGORY_LIST = ListSpec(
    filters={
        "id": Filter(Category.id, int),
        "name": Filter(Category.name),
        "slug": Filter(Category.slug),
        "parent_id": Filter(Category.parent_id, int, ("eq", "in")),
        "created_at": Filter(Category.created_at, datetime, ("gte", "lte")),
    },
    sorts={"id": Category.id, "name": Category.name, "created_at": Category.created_at},
    default_sort=[Category.name.asc()],
    search=search_columns(
        Category.name, Category.slug, Category.description, Category.search_terms
    ),
    tiebreak=Category.id.asc(),
)


def _images_json() -> Any:
    """A product's images as the API shows them (ImageRead), one JSON array per row."""
    image = ProductImage
    # Constant keys as SQL text, not parameters: the statement keeps one parameter.
    fields: tuple[tuple[str, Any], ...] = (
        ("id", image.id),
        ("url", literal_column("'/media/products/'") + image.filename),
        ("content_type", image.content_type),
        ("width", image.width),
        ("height", image.height),
        ("size_bytes", image.size_bytes),
        ("position", image.position),
        ("alt_text", image.alt_text),
    )
    parts: list[Any] = []
    for name, value in fields:
        parts += [literal_column(f"'{name}'"), value]
    shown = func.json_build_object(*parts)
    return (
        select(
            func.coalesce(
                func.json_agg(aggregate_order_by(shown, image.position.asc(), image.id.asc())),
                literal_column("'[]'::json"),
            )
        )
        .where(image.product_id == Product.id)
        .correlate(Product)
        .scalar_subquery()
    )


# What ProductRead shows, as plain columns (no ORM objects): one statement per page or product.
PRODUCT_COLUMNS = (
    Product.id,
    Product.name,
    Product.slug,
    Product.description,
    Product.price,
    Product.price_varies.expression.label("price_varies"),
    Product.has_options.expression.label("has_options"),
    Product.category_id,
    Product.is_active,
    Product.attributes,
    _images_json().label("images"),
    Product.created_at,
    Product.updated_at,
)
PRODUCT_FIELDS = tuple(c.key if hasattr(c, "key") else c.name for c in PRODUCT_COLUMNS)


def _product_select(language: str) -> Select[Any]:
    """The product columns in `language`: its translation's name and description where there
    is one (the default language's text where not), its attributes with the translated
    values over the default ones."""
    if language == DEFAULT_LANGUAGE:
        return select(*PRODUCT_COLUMNS)
    text = ProductTranslation
    # The language as SQL text (one of SHOP_LANGUAGES, two letters): one parameter still.
    joined = Product.__table__.outerjoin(
        text.__table__,
        and_(text.product_id == Product.id, text.language == literal_column(f"'{language}'")),
    )
    shown = {
        "name": func.coalesce(text.name, Product.name).label("name"),
        "description": func.coalesce(
            func.nullif(text.description, literal_column("''")), Product.description
        ).label("description"),
        # Translated values only under the product's own keys.
        "attributes": Product.attributes.op("||")(
            literal_column(
                "coalesce((SELECT jsonb_object_agg(e.key, e.value) "
                "FROM jsonb_each(product_translation.attributes) AS e "
                "WHERE jsonb_exists(product.attributes, e.key)), '{}'::jsonb)"
            )
        ).label("attributes"),
    }
    columns = [
        shown.get(name, column)
        for name, column in zip(PRODUCT_FIELDS, PRODUCT_COLUMNS, strict=True)
    ]
    return select(*columns).select_from(joined)


PRODUCT_SELECT = {language: _product_select(language) for language in LANGUAGES}


def _variants_json(language: str) -> Any:
    """The product's active variants (VariantRead), in `language`, one JSON array per row;
    prices as text ("3.20" stays "3.20"). The language is SQL text (two letters of
    SHOP_LANGUAGES): the statement keeps one parameter."""
    return literal_column(
        f"""(SELECT coalesce(json_agg(json_build_object(
            'id', v.id, 'sku', v.sku, 'name', coalesce(t.name, v.name),
            'price', v.price::text, 'attributes', v.attributes
        ) ORDER BY v.position, v.id), '[]'::json)
        FROM product_variant v
        LEFT JOIN product_variant_translation t
            ON t.variant_id = v.id AND t.language = '{language}'
        WHERE v.product_id = product.id AND v.is_active)"""  # noqa: S608 (a SHOP_LANGUAGES code)
    ).label("variants")


def _modifier_groups_json(language: str) -> Any:
    """The product's modifier groups in its order (ModifierGroupRead) with their active
    modifiers and the stores each is out at, in `language`, one JSON array per row."""
    return literal_column(
        f"""(SELECT coalesce(json_agg(json_build_object(
            'id', g.id, 'name', coalesce(gt.name, g.name), 'kind', g.kind,
            'required', g.required, 'min_choices', g.min_choices,
            'max_choices', g.max_choices, 'default_modifier_id', g.default_modifier_id,
            'modifiers', (
                SELECT coalesce(json_agg(json_build_object(
                    'id', m.id, 'name', coalesce(mt.name, m.name),
                    'price_delta', m.price_delta::text,
                    'unavailable_store_ids', (
                        SELECT coalesce(json_agg(u.store_id ORDER BY u.store_id), '[]'::json)
                        FROM modifier_unavailable u WHERE u.modifier_id = m.id
                    )
                ) ORDER BY m.position, m.id), '[]'::json)
                FROM modifier m
                LEFT JOIN modifier_translation mt
                    ON mt.modifier_id = m.id AND mt.language = '{language}'
                WHERE m.group_id = g.id AND m.is_active
            )
        ) ORDER BY pg.position, g.id), '[]'::json)
        FROM product_modifier_group pg
        JOIN modifier_group g ON g.id = pg.group_id
        LEFT JOIN modifier_group_translation gt
            ON gt.group_id = g.id AND gt.language = '{language}'
        WHERE pg.product_id = product.id)"""  # noqa: S608 (a SHOP_LANGUAGES code)
    ).label("modifier_groups")


# A single product's read (ProductDetail): ProductRead's columns, its variants and groups.
PRODUCT_DETAIL_FIELDS = (*PRODUCT_FIELDS, "variants", "modifier_groups")
PRODUCT_DETAIL_SELECT = {
    language: PRODUCT_SELECT[language].add_columns(
        _variants_json(language), _modifier_groups_json(language)
    )
    for language in LANGUAGES
}


def total_key(params: ListParams, *, include_inactive: bool) -> str | None:
    """The cache key of the list's total; None for a list by `store_id`, whose total stock
    changes move (no catalog write)."""
    if any(name == "store_id" for name, _, _ in params.filters):
        return None
    return count_key(params, "products:all" if include_inactive else "products:active")


async def list_products(
    conn: AsyncConnection,
    params: ListParams,
    *,
    include_inactive: bool,
    known_total: int | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Page[Any]:
    """A page of products as dicts of ProductRead's fields, in `language`."""
    query = PRODUCT_SELECT[language]
    if not include_inactive:
        query = query.where(Product.is_active)
    page = await paginate(conn, query, PRODUCT_LIST, params, scalars=False, known_total=known_total)
    page.items = [dict(zip(PRODUCT_FIELDS, row, strict=True)) for row in page.items]
    return page


def _compiled(column: Any, language: str) -> str:
    """The SQL of a product by `column`, compiled once: the hottest read skips building the
    statement and its cache key."""
    statement = PRODUCT_DETAIL_SELECT[language].where(column == bindparam("key"))
    return str(statement.compile(dialect=engine.dialect))


PRODUCT_BY = {
    (kind, language): _compiled(column, language)
    for kind, column in ((int, Product.id), (str, Product.slug))
    for language in LANGUAGES
}


async def read_product(
    conn: AsyncConnection, key: int | str, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any] | None:
    """A product as a dict of ProductDetail's fields (with its variants and modifier
    groups), by id or slug, in `language`: one statement."""
    row = (await conn.exec_driver_sql(PRODUCT_BY[(type(key), language)], (key,))).first()
    return dict(zip(PRODUCT_DETAIL_FIELDS, row, strict=True)) if row is not None else None


async def product_translations(conn: AsyncConnection, product_id: int) -> dict[str, Any]:
    """A product's translations as ProductTranslationRead's fields, by language."""
    rows = await conn.execute(
        select(
            ProductTranslation.language,
            ProductTranslation.name,
            ProductTranslation.description,
            ProductTranslation.attributes,
        ).where(ProductTranslation.product_id == product_id)
    )
    return {
        language: {"name": name, "description": description, "attributes": attributes}
        for language, name, description, attributes in rows
    }


async def products_in(
    session: AsyncSession, product_ids: list[int], language: str
) -> dict[int, ProductTranslation]:
    """The translations into `language` of these products (those that have one)."""
    if not product_ids or language == DEFAULT_LANGUAGE:
        return {}
    rows = await session.scalars(
        select(ProductTranslation).where(
            ProductTranslation.product_id.in_(product_ids),
            ProductTranslation.language == language,
        )
    )
    return {row.product_id: row for row in rows}


async def categories_in(
    session: AsyncSession, category_ids: list[int], language: str
) -> dict[int, CategoryTranslation]:
    """The translations into `language` of these categories (those that have one)."""
    if not category_ids or language == DEFAULT_LANGUAGE:
        return {}
    rows = await session.scalars(
        select(CategoryTranslation).where(
            CategoryTranslation.category_id.in_(category_ids),
            CategoryTranslation.language == language,
        )
    )
    return {row.category_id: row for row in rows}


async def get_product(session: AsyncSession, key: int | str) -> Product | None:
    """A product with its images and translations, by id or slug."""
    column = Product.id if isinstance(key, int) else Product.slug
    return await session.scalar(
        select(Product)
        .where(column == key)
        .options(
            selectinload(Product.images),
            selectinload(Product.translations),
            undefer(Product.price_varies),
            undefer(Product.has_options),
        )
    )


async def list_categories(session: AsyncSession, params: ListParams) -> Page[Any]:
    """A page of categories with their direct children (one more statement for them all)."""
    query = select(Category).options(selectinload(Category.children))
    return await paginate(session, query, CATEGORY_LIST, params)


async def category_with_children(session: AsyncSession, category_id: int) -> Category | None:
    return await session.scalar(
        select(Category)
        .where(Category.id == category_id)
        .options(selectinload(Category.children), selectinload(Category.translations))
        .execution_options(populate_existing=True)
    )


async def in_subtree(session: AsyncSession, candidate_id: int, root_id: int) -> bool:
    """Whether `candidate_id` is `root_id` or one of its descendants."""
    subtree = subtree_ids([root_id]).subquery()
    return bool(await session.scalar(select(exists().where(subtree.c.id == candidate_id))))


async def category_product_count(session: AsyncSession, category_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Product).where(Product.category_id == category_id)
        )
        or 0
    )


async def category_child_count(session: AsyncSession, category_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Category).where(Category.parent_id == category_id)
        )
        or 0
    )


async def is_active_by_id(
    session: AsyncSession, product_ids: list[int], *, key_share: bool = False
) -> dict[int, bool]:
    """`is_active` of each product that exists, in one statement; with `key_share`, the rows
    stay until the commit (a row about to refer to them cannot meet a deleted product)."""
    if not product_ids:
        return {}
    query = select(Product.id, Product.is_active).where(Product.id.in_(product_ids))
    if key_share:
        query = query.order_by(Product.id).with_for_update(read=True, key_share=True)
    rows = await session.execute(query)
    return dict(rows.all())


async def products_with_options(
    session: AsyncSession, product_ids: list[int]
) -> dict[int, tuple[Product, list[dict[str, Any]], list[dict[str, Any]]]]:
    """The products being ordered, key-share locked in id order (a product deleted meanwhile,
    which locks the product and then its stock, waits instead of deadlocking), each with its
    active variants and modifier groups as their read shows them (VariantRead,
    ModifierGroupRead dicts, in the default language): one statement."""
    rows = await session.execute(
        select(
            Product,
            _variants_json(DEFAULT_LANGUAGE),
            _modifier_groups_json(DEFAULT_LANGUAGE),
        )
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        .with_for_update(read=True, key_share=True, of=Product)
    )
    return {product.id: (product, variants, groups) for product, variants, groups in rows}


def options_columns(language: str) -> tuple[Any, Any]:
    """The columns `variants` and `modifier_groups` of a product's read (in `language`, one
    of SHOP_LANGUAGES) for a statement that selects from the `product` table unaliased: a cart
    read prices its lines by them in its own statement."""
    return _variants_json(language), _modifier_groups_json(language)


def name_column(language: str) -> Any:
    """A product's name in `language` (its translation, else as written), for a statement
    that selects from the `product` table."""
    if language == DEFAULT_LANGUAGE:
        return Product.name
    translated = (
        select(ProductTranslation.name)
        .where(ProductTranslation.product_id == Product.id, ProductTranslation.language == language)
        .scalar_subquery()
    )
    return func.coalesce(translated, Product.name)


async def product_options(
    session: AsyncSession, product_ids: list[int], language: str, *, keep: bool = False
) -> dict[int, tuple[str, bool, list[dict[str, Any]], list[dict[str, Any]]]]:
    """Of these products, those that exist, as (name, is_active, active variants, modifier
    groups) in `language`: one statement. `keep`: the rows are key-share locked in id order
    until the commit (a line about to refer to them cannot meet a deleted product)."""
    if not product_ids:
        return {}
    query = (
        select(Product.id, name_column(language), Product.is_active, *options_columns(language))
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
    )
    if keep:
        query = query.with_for_update(read=True, key_share=True, of=Product)
    rows = await session.execute(query)
    return {pid: (name, active, variants, groups) for pid, name, active, variants, groups in rows}
