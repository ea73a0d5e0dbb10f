"""The demo data: users, the catalog tree, stores in three timezones, stock; seeding twice."""

import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from app import demo_data
from app.core.config import settings
from app.models import Category, Product, Stock, Store, User
from app.seed import seed
from tests.factories import create_user

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


async def _counts(db) -> dict[str, int]:
    counts = {}
    for model in (User, Category, Product, Store, Stock):
        counts[model.__tablename__] = await db.scalar(select(func.count()).select_from(model))
    return counts


def test_demo_data_is_well_formed():
    categories = {c["slug"]: c for c in demo_data.CATEGORIES}
    products = {p["slug"]: p for p in demo_data.PRODUCTS}
    assert len(categories) == len(demo_data.CATEGORIES)
    assert len(products) == len(demo_data.PRODUCTS)
    assert all(SLUG.match(slug) for slug in [*categories, *products])
    seen: set[str] = set()
    for category in demo_data.CATEGORIES:  # parents first
        assert category["parent"] is None or category["parent"] in seen
        seen.add(category["slug"])
    parents = {c["parent"] for c in demo_data.CATEGORIES if c["parent"]}
    for product in demo_data.PRODUCTS:
        assert product["category"] in categories and product["category"] not in parents
        price = Decimal(product["price"])
        assert price > 0 and price.as_tuple().exponent == -2, product["slug"]
        assert product["description"].strip() and product["attributes"]
    assert 2 <= sum(not p.get("is_active", True) for p in demo_data.PRODUCTS) <= 3
    # Descriptions vary: no two products share one.
    assert len({p["description"] for p in demo_data.PRODUCTS}) == len(products)
    stores = {s["name"] for s in demo_data.STORES}
    for store, quantities in demo_data.STOCK.items():
        assert store in stores
        assert set(quantities) <= set(products)
        assert all(quantity >= 0 for quantity in quantities.values())


async def test_seed_loads_users_and_catalog(db):
    result = await seed()
    assert result is not None

    admin = await db.scalar(select(User).where(User.email == settings.admin_email))
    assert admin is not None and admin.role_name == "admin"
    assert admin.is_active and admin.is_verified
    for email, role in (("customer@example.com", "customer"), ("support@example.com", "support")):
        user = await db.scalar(select(User).where(User.email == email))
        assert user is not None and user.role_name == role

    products = (await db.scalars(select(Product))).all()
    assert 55 <= len(products) <= 70
    assert len(products) == len(demo_data.PRODUCTS) == result.products
    assert 2 <= sum(not p.is_active for p in products) <= 3
    by_slug = {p.slug: p for p in products}
    flat_white = by_slug["flat-white"]
    assert flat_white.price == Decimal("3.60")
    assert by_slug["ethiopia-yirgacheffe-kochere"].attributes["roast"] == "light"
    assert by_slug["salt-and-cinder"].attributes["author"] == "Owen Castellane"


async def test_the_demo_customer_starts_with_a_credited_account(client, db):
    from tests.factories import login

    await seed()
    await seed()  # twice: still one credit
    tokens = await login(client, "customer@example.com", "demo-shopper-2026")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    accounts = (await client.get("/api/v1/accounts", headers=headers)).json()
    assert [a["balance"] for a in accounts] == ["50.00"]
    ledger = await client.get(f"/api/v1/accounts/{accounts[0]['id']}/transactions", headers=headers)
    assert [(t["kind"], t["amount"]) for t in ledger.json()["items"]] == [("credit", "50.00")]


async def test_category_tree_reaches_every_product(db):
    await seed()
    categories = (await db.scalars(select(Category))).all()
    parent_of = {c.id: c.parent_id for c in categories}
    roots = {c.id for c in categories if c.parent_id is None}
    leaves = {c.id for c in categories} - set(parent_of.values())
    assert {c.slug for c in categories if c.id in roots} == {"books", "coffee"}
    # Two levels: every non-root hangs directly under a root.
    assert all(parent_of[c] in roots for c in parent_of if c not in roots)

    per_category = dict(
        (
            await db.execute(
                select(Product.category_id, func.count()).group_by(Product.category_id)
            )
        ).all()
    )
    active_per_category = dict(
        (
            await db.execute(
                select(Product.category_id, func.count())
                .where(Product.is_active)
                .group_by(Product.category_id)
            )
        ).all()
    )
    assert set(per_category) == leaves  # products live in leaves only
    assert all(active_per_category.get(leaf, 0) >= 1 for leaf in leaves)

    # Every product is reachable from its root through the tree (recursive CTE, as the API's
    # category_id filter walks it), and the roots together cover the whole catalog.
    total = 0
    for root in roots:
        tree = select(Category.id).where(Category.id == root).cte(recursive=True)
        tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
        under_root = await db.scalar(
            select(func.count()).select_from(Product).where(Product.category_id.in_(select(tree)))
        )
        children = [c for c, p in parent_of.items() if p == root]
        assert under_root == sum(per_category.get(child, 0) for child in children) > 0
        total += under_root
    assert total == await db.scalar(select(func.count()).select_from(Product))


async def test_stores_and_stock(db):
    await seed()
    stores = (await db.scalars(select(Store).order_by(Store.id))).all()
    assert len(stores) == 3
    assert len({s.timezone for s in stores}) == 3
    split_day = late_night = False
    for store in stores:
        ZoneInfo(store.timezone)  # a real IANA zone
        assert store.address and store.city and store.phone and "@" in store.email
        assert store.latitude is not None and store.longitude is not None
        assert store.latitude.as_tuple().exponent == -6
        assert set(store.opening_hours) == set(demo_data.WEEKDAYS)
        for intervals in store.opening_hours.values():
            for opens, closes in intervals:
                assert re.fullmatch(r"\d\d:\d\d", opens) and re.fullmatch(r"\d\d:\d\d", closes)
                late_night |= closes < opens
            split_day |= len(intervals) >= 2
    assert split_day and late_night

    stock = (await db.scalars(select(Stock))).all()
    assert stock and all(row.quantity >= 0 for row in stock)
    assert any(row.quantity == 0 for row in stock)
    assortments = {s.id: {row.product_id for row in stock if row.store_id == s.id} for s in stores}
    assert all(assortments.values())
    assert len({frozenset(a) for a in assortments.values()}) == 3  # assortments differ

    # The coffee bar stocks mostly coffee.
    coffee = await db.scalar(select(Category.id).where(Category.slug == "coffee"))
    coffee_products = set(
        (
            await db.scalars(select(Product.id).join(Category).where(Category.parent_id == coffee))
        ).all()
    )
    london = next(s for s in stores if s.timezone == "Europe/London")
    share = len(assortments[london.id] & coffee_products) / len(assortments[london.id])
    assert share > 0.8


async def test_seeding_again_changes_no_counts_and_resets_stock(db):
    first = await seed()
    before = await _counts(db)
    assert before["store"] == 3 and before["stock"] == first.stock_rows > 0

    # Somebody sells some stock and deletes a stock row in the meantime.
    row = await db.scalar(select(Stock).where(Stock.quantity > 1).limit(1))
    key, quantity = (row.store_id, row.product_id), row.quantity
    await db.execute(
        update(Stock).where(Stock.store_id == key[0], Stock.product_id == key[1]).values(quantity=1)
    )
    other = await db.scalar(select(Stock).where(Stock.store_id != key[0]).limit(1))
    other_key, other_quantity = (other.store_id, other.product_id), other.quantity
    await db.delete(other)
    await db.commit()

    second = await seed()
    db.expire_all()
    assert await _counts(db) == before
    assert second.categories_added == second.products_added == second.stores_added == 0
    assert second.stock_changed == 2
    assert await db.get(Stock, key) is not None and (await db.get(Stock, key)).quantity == quantity
    assert (await db.get(Stock, other_key)).quantity == other_quantity

    third = await seed()
    assert await _counts(db) == before and third.stock_changed == 0


async def test_seed_adds_only_what_is_missing(db):
    await seed()
    product = await db.scalar(select(Product).where(Product.slug == "flat-white"))
    product.price = Decimal("3.90")  # an admin's edit survives a reload
    gone = await db.scalar(select(Product).where(Product.slug == "chai-latte"))
    await db.delete(gone)  # its stock rows go with it (ON DELETE CASCADE)
    await db.commit()

    result = await seed()
    stocked_in = sum("chai-latte" in quantities for quantities in demo_data.STOCK.values())
    assert result.products_added == 1 and result.stock_changed == stocked_in > 0
    db.expire_all()
    assert (await db.scalar(select(Product.price).where(Product.slug == "flat-white"))) == Decimal(
        "3.90"
    )
    assert await db.scalar(select(Product.id).where(Product.slug == "chai-latte"))
    assert await db.scalar(select(func.count()).select_from(Product)) == len(demo_data.PRODUCTS)


@pytest.mark.parametrize("existing_user", [True, False])
async def test_if_empty_loads_nothing_when_users_exist(db, existing_user):
    if existing_user:
        await create_user(username="early")
    result = await seed(if_empty=True)
    counts = await _counts(db)
    if existing_user:
        assert result is None
        assert counts == {"user": 1, "category": 0, "product": 0, "store": 0, "stock": 0}
    else:
        assert result is not None and counts["product"] == len(demo_data.PRODUCTS)
