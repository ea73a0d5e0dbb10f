"""Catalog rules: categories as a tree, products, images."""

from functools import partial
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.concurrency import run_in_threadpool

from app.catalog import images, repository
from app.catalog.configurations import Choice as Choice
from app.catalog.configurations import Configured as Configured
from app.catalog.configurations import Options as Options
from app.catalog.configurations import check_line as check_line
from app.catalog.configurations import chosen_modifiers as chosen_modifiers
from app.catalog.configurations import configure as configure
from app.catalog.configurations import out_by_store as out_by_store
from app.catalog.configurations import products_for_order as products_for_order
from app.catalog.counts import counts
from app.catalog.errors import (
    CATEGORY_DELETE_CONSTRAINTS,
    CATEGORY_WRITE_CONSTRAINTS,
    PRODUCT_WRITE_CONSTRAINTS,
    CategoryCycle,
    CategoryNotEmpty,
    CategoryNotFound,
    ImageNotFound,
    PriceIsPerVariant,
    ProductNotFound,
)
from app.catalog.options import choice_problems as choice_problems
from app.catalog.options import create_variant as create_variant
from app.catalog.options import delete_group as delete_group
from app.catalog.options import delete_variant as delete_variant
from app.catalog.options import get_modifier as get_modifier
from app.catalog.options import get_variant as get_variant
from app.catalog.options import product_variants as product_variants
from app.catalog.options import set_product_groups as set_product_groups
from app.catalog.options import update_variant as update_variant
from app.catalog.options import variant_label as variant_label
from app.catalog.options import write_group as write_group
from app.catalog.repository import name_column as name_column
from app.catalog.repository import options_columns as options_columns
from app.catalog.schemas import (
    CategoryBrief,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    ImageUpdate,
    ProductCreate,
    ProductRead,
    ProductUpdate,
    UnorderableReason,
)
from app.catalog.translations import write_translations
from app.core.db import read, savepoint
from app.core.language import DEFAULT_LANGUAGE
from app.core.listing import ListParams, Page
from app.core.on_commit import after_commit
from app.models import Category, CategoryTranslation, Product, ProductImage, ProductTranslation


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


# --- categories ---------------------------------------------------------------------------


async def _translated_categories(
    session: AsyncSession, categories: list[Category], language: str
) -> list[CategoryRead]:
    """Categories as the API shows them, their and their children's names and descriptions in
    `language` where translated (one statement for them all)."""
    shown = [CategoryRead.model_validate(category) for category in categories]
    if language == DEFAULT_LANGUAGE:
        return shown
    ids = [c.id for c in shown] + [child.id for c in shown for child in c.children]
    texts = await repository.categories_in(session, ids, language)

    def brief(item: CategoryBrief) -> CategoryBrief:
        text = texts.get(item.id)
        return item.model_copy(update={"name": text.name}) if text is not None else item

    result = []
    for item in shown:
        text = texts.get(item.id)
        update: dict[str, Any] = {"children": [brief(child) for child in item.children]}
        if text is not None:
            update["name"] = text.name
            update["description"] = text.description or item.description
        result.append(item.model_copy(update=update))
    return result


async def list_categories(
    session: AsyncSession, params: ListParams, language: str = DEFAULT_LANGUAGE
) -> Page[Any]:
    page = await repository.list_categories(session, params)
    page.items = await _translated_categories(session, page.items, language)
    return page


async def get_category(session: AsyncSession, category_id: int) -> Category:
    category = await session.get(
        Category, category_id, options=[selectinload(Category.translations)]
    )
    if category is None:
        raise CategoryNotFound
    return category


async def read_category(session: AsyncSession, category_id: int) -> Category:
    """A category with its direct children and translations, as admins see it."""
    category = await repository.category_with_children(session, category_id)
    if category is None:
        raise CategoryNotFound
    return category


async def view_category(session: AsyncSession, category_id: int, language: str) -> CategoryRead:
    """A category with its direct children, as the API shows it in `language`."""
    category = await read_category(session, category_id)
    return (await _translated_categories(session, [category], language))[0]


async def translate_products(session: AsyncSession, items: list[Any], language: str) -> list[Any]:
    """Products read as ProductRead (or a subclass), with the name, description and attribute
    values in `language` where translated (one statement for them all)."""
    texts = await repository.products_in(session, [item.id for item in items], language)
    return [
        item.model_copy(update=_product_texts(item, texts[item.id])) if item.id in texts else item
        for item in items
    ]


def _product_texts(item: ProductRead, text: ProductTranslation) -> dict[str, Any]:
    return {
        "name": text.name,
        "description": text.description or item.description,
        "attributes": {
            **item.attributes,
            **{key: value for key, value in text.attributes.items() if key in item.attributes},
        },
    }


async def _check_parent(
    session: AsyncSession, category: Category | None, parent_id: int | None
) -> None:
    if parent_id is None:
        return
    await get_category(session, parent_id)
    if category is not None and await repository.in_subtree(session, parent_id, category.id):
        raise CategoryCycle


async def create_category(session: AsyncSession, data: CategoryCreate) -> Category:
    await _check_parent(session, None, data.parent_id)
    category = Category(
        name=data.name,
        slug=data.slug or slugify(data.name, max_length=120),
        description=data.description,
        search_terms=data.search_terms,
        parent_id=data.parent_id,
        translations={},
    )
    write_translations(category, data, CategoryTranslation)
    async with savepoint(session, CATEGORY_WRITE_CONSTRAINTS):
        session.add(category)
    return await read_category(session, category.id)


async def update_category(
    session: AsyncSession, category_id: int, data: CategoryUpdate | CategoryCreate
) -> Category:
    category = await get_category(session, category_id)
    changes = data.model_dump(exclude_unset=isinstance(data, CategoryUpdate))
    changes.pop("translations", None)
    if "parent_id" in changes:
        await _check_parent(session, category, changes["parent_id"])
    if isinstance(data, CategoryCreate) and not changes.get("slug"):
        changes["slug"] = slugify(data.name, max_length=120)
    async with savepoint(session, CATEGORY_WRITE_CONSTRAINTS):
        for field, value in changes.items():
            if value is not None or field == "parent_id":
                setattr(category, field, value)
        write_translations(category, data, CategoryTranslation)
    return await read_category(session, category.id)


async def delete_category(session: AsyncSession, category_id: int) -> None:
    category = await get_category(session, category_id)
    products = await repository.category_product_count(session, category_id)
    if products:
        raise CategoryNotEmpty(
            f"{category.name} still has {_count(products, 'product')}; "
            "move them to another category or delete them first."
        )
    children = await repository.category_child_count(session, category_id)
    if children:
        raise CategoryNotEmpty(
            f"{category.name} still has {_count(children, 'subcategory', 'subcategories')}; "
            "move or delete them first."
        )
    async with savepoint(session, CATEGORY_DELETE_CONSTRAINTS):
        await session.delete(category)


# --- products -----------------------------------------------------------------------------


# Other lists of products (a store's assortment) filter, sort and search as the catalog does.
product_list_spec = repository.product_list_spec
# The API's product search (names, descriptions, categories, attributes; stems, typos), for
# the admin panel's product list.
product_search = repository.product_search


async def list_products(
    params: ListParams, *, is_admin: bool, language: str = DEFAULT_LANGUAGE
) -> Page[Any]:
    """A page of products (dicts of ProductRead's fields), read outside any transaction. Its
    total comes from the cache of catalog totals when there (Redis is asked outside the
    database's time limit, and a Redis out of order only costs the count)."""
    key = repository.total_key(params, include_inactive=is_admin)
    answered, cached = await counts.get(key) if key is not None else (False, None)
    page = await read(
        lambda conn: repository.list_products(
            conn, params, include_inactive=is_admin, known_total=cached, language=language
        )
    )
    if key is not None and answered and page.counted is not None:
        await counts.put(key, page.counted)
    return page


async def view_product(
    key: int | str, *, is_admin: bool, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """A product as the API shows it in `language` (a dict of ProductRead's fields), in one
    statement; for admins with its translations (ProductAdminRead), in a second."""
    product = await read(lambda conn: repository.read_product(conn, key, language))
    if product is None or (not product["is_active"] and not is_admin):
        raise ProductNotFound
    if is_admin:
        product_id = product["id"]
        product["translations"] = await read(
            lambda conn: repository.product_translations(conn, product_id)
        )
    return product


async def get_product(session: AsyncSession, key: int | str, *, is_admin: bool = True) -> Product:
    product = await repository.get_product(session, key)
    if product is None or (not product.is_active and not is_admin):
        raise ProductNotFound
    return product


async def create_product(session: AsyncSession, data: ProductCreate) -> Product:
    await get_category(session, data.category_id)
    values: dict[str, Any] = data.model_dump(exclude={"translations"})
    values["slug"] = data.slug or slugify(data.name, max_length=220)
    product = Product(**values, translations={})
    write_translations(product, data, ProductTranslation)
    async with savepoint(session, PRODUCT_WRITE_CONSTRAINTS):
        session.add(product)
    return await get_product(session, product.id)


async def update_product(
    session: AsyncSession, product_id: int, data: ProductUpdate | ProductCreate
) -> Product:
    product = await get_product(session, product_id)
    changes = data.model_dump(exclude_unset=isinstance(data, ProductUpdate))
    changes.pop("translations", None)
    if isinstance(data, ProductCreate) and not changes.get("slug"):
        changes["slug"] = slugify(data.name, max_length=220)
    if changes.get("category_id") is not None:
        await get_category(session, changes["category_id"])
    if changes.get("price") is not None and changes["price"] != product.price:
        variants = await product_variants(session, product.id)
        if len(variants) > 1:
            raise PriceIsPerVariant(
                f"The price is per variant: {product.name} is sold as "
                f"{', '.join(v.name or v.sku for v in variants)}. Set each variant's price "
                "(PATCH /variants/{variant_id}, or the variant's form); the product's is the "
                "lowest.",
                variants=[variant_label(v) for v in variants],
            )
    async with savepoint(session, PRODUCT_WRITE_CONSTRAINTS):
        for field, value in changes.items():
            if value is not None:
                setattr(product, field, value)
        write_translations(product, data, ProductTranslation)
    return product


async def delete_product(session: AsyncSession, product_id: int) -> None:
    product = await get_product(session, product_id)
    filenames = [image.filename for image in product.images]
    await session.delete(product)
    await session.flush()
    for filename in filenames:
        after_commit(session, partial(images.remove, filename))


# --- images -------------------------------------------------------------------------------


async def add_image(
    session: AsyncSession, product_id: int, raw: bytes, *, alt_text: str, position: int | None
) -> ProductImage:
    product = await get_product(session, product_id)
    encoded = await run_in_threadpool(images.reencode, raw)
    filename = await run_in_threadpool(images.store, encoded)
    if position is None:
        position = max((i.position for i in product.images), default=-1) + 1
    image = ProductImage(
        product_id=product.id,
        filename=filename,
        content_type=encoded.content_type,
        width=encoded.width,
        height=encoded.height,
        size_bytes=len(encoded.data),
        position=position,
        alt_text=alt_text,
    )
    session.add(image)
    try:
        await session.flush()
    except Exception:
        images.remove(filename)
        raise
    return image


async def _image(session: AsyncSession, product_id: int, image_id: int) -> ProductImage:
    image = await session.scalar(
        select(ProductImage).where(
            ProductImage.id == image_id, ProductImage.product_id == product_id
        )
    )
    if image is None:
        raise ImageNotFound
    return image


async def update_image(
    session: AsyncSession, product_id: int, image_id: int, data: ImageUpdate
) -> ProductImage:
    image = await _image(session, product_id, image_id)
    for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(image, field, value)
    await session.flush()
    return image


async def delete_image(session: AsyncSession, product_id: int, image_id: int) -> None:
    image = await _image(session, product_id, image_id)
    await session.delete(image)
    await session.flush()
    after_commit(session, partial(images.remove, image.filename))


async def remove_image_files(filenames: list[str]) -> None:
    """Delete images' files from the media folder, once their rows are gone for good."""
    for filename in filenames:
        await run_in_threadpool(images.remove, filename)


async def product_options(
    session: AsyncSession, product_ids: list[int], language: str, *, keep: bool = False
) -> dict[int, tuple[str, bool, list[dict[str, Any]], list[dict[str, Any]]]]:
    """Of these products, those that exist, as (name, is_active, active variants, modifier
    groups) in `language`, to check and price configurations by (check_line, configure): one
    statement. `keep`: they cannot be deleted until the commit."""
    return await repository.product_options(session, product_ids, language, keep=keep)


async def unorderable(
    session: AsyncSession, product_ids: list[int], *, keep: bool = False
) -> dict[int, UnorderableReason]:
    """Of these products, the ones a customer cannot order, with why: `inactive` (hidden) or
    `deleted` (gone, or never there). `keep`: the others cannot be deleted until the commit."""
    active = await repository.is_active_by_id(session, product_ids, key_share=keep)
    return {
        pid: "deleted" if pid not in active else "inactive"
        for pid in product_ids
        if not active.get(pid, False)
    }
