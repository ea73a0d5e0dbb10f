"""The few columns a page's meta tags and the sitemap need, as plain rows (no ORM objects)."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Category, Product, ProductImage, Stock, Store

# Google reads at most 50,000 URLs from one sitemap file.
SITEMAP_LIMIT = 50_000

STORE_COLUMNS = (
    Store.id,
    Store.name,
    Store.address,
    Store.city,
    Store.phone,
    Store.email,
    Store.latitude,
    Store.longitude,
    Store.timezone,
    Store.opening_hours,
)


async def product_offers(conn: AsyncConnection, product_id: int) -> list[dict[str, Any]]:
    """Every active store with the units it holds of the product (0 when none)."""
    rows = await conn.execute(
        select(*STORE_COLUMNS, func.coalesce(Stock.quantity, 0).label("quantity"))
        .outerjoin(Stock, (Stock.store_id == Store.id) & (Stock.product_id == product_id))
        .where(Store.is_active)
        .order_by(Store.name, Store.id)
    )
    return [dict(row._mapping) for row in rows]


async def category_by_slug(conn: AsyncConnection, slug: str) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(Category.id, Category.name, Category.slug, Category.description).where(
                Category.slug == slug
            )
        )
    ).first()
    return dict(row._mapping) if row is not None else None


async def first_image_in_category(conn: AsyncConnection, category_id: int) -> str | None:
    """The first image of the category's newest active product that has one: its preview."""
    return await conn.scalar(
        select(ProductImage.filename)
        .join(Product, Product.id == ProductImage.product_id)
        .where(Product.category_id == category_id, Product.is_active)
        .order_by(Product.created_at.desc(), ProductImage.position, ProductImage.id)
        .limit(1)
    )


async def active_store(conn: AsyncConnection, store_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(*STORE_COLUMNS).where(Store.id == store_id, Store.is_active))
    ).first()
    return dict(row._mapping) if row is not None else None


async def sitemap_entries(conn: AsyncConnection) -> list[tuple[str, str, datetime]]:
    """(kind, key, last modified) of every active store, category and active product: stores
    and categories first, then the most recently changed products, SITEMAP_LIMIT in all."""
    stores = (
        await conn.execute(
            select(Store.id, Store.updated_at).where(Store.is_active).order_by(Store.id)
        )
    ).all()
    categories = (
        await conn.execute(select(Category.slug, Category.updated_at).order_by(Category.id))
    ).all()
    room = max(SITEMAP_LIMIT - len(stores) - len(categories), 0)
    products = (
        await conn.execute(
            select(Product.slug, Product.updated_at)
            .where(Product.is_active)
            .order_by(Product.updated_at.desc(), Product.id.desc())
            .limit(room)
        )
    ).all()
    return [
        *(("store", str(id_), at) for id_, at in stores),
        *(("category", slug, at) for slug, at in categories),
        *(("product", slug, at) for slug, at in products),
    ]
