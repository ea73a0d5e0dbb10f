"""The demo data: the data file checked by the API's schemas, users, the catalog tree, stores in
three timezones, stock; seeding twice."""

import asyncio
import re
import subprocess
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import delete, func, select, update

from app.catalog.images import media_folder
from app.core.config import settings
from app.models import (
    Account,
    Category,
    CategoryTranslation,
    Modifier,
    Product,
    ProductImage,
    ProductTranslation,
    ProductVariant,
    Stock,
    Store,
    Transaction,
    User,
)
from dev import pictures
from dev.seed import DATA_FILE, DemoDataError, demo_data, parse_demo_data, seed
from tests.core.processes import BACKEND_DIR
from tests.factories import create_user

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


async def _counts(db) -> dict[str, int]:
    counts = {}
    for model in (User, Category, Product, Store, Stock):
        counts[model.__tablename__] = await db.scalar(select(func.count()).select_from(model))
    return counts


def test_demo_data_is_well_formed():
    data = demo_data()
    categories = {c.data.slug: c for c in data.categories}
    products = {p.data.slug: p for p in data.products}
    assert all(SLUG.match(slug) for slug in [*categories, *products])
    parents = {c.parent for c in data.categories if c.parent}
    for product in data.products:
        assert product.category not in parents  # products live in leaves
        assert product.data.price.as_tuple().exponent == -2, product.data.slug
        assert product.data.description.strip() and product.data.attributes
    assert 2 <= sum(not p.data.is_active for p in data.products) <= 3
    # Descriptions vary: no two products share one.
    assert len({p.data.description for p in data.products}) == len(products)
    assert {u.email: (u.role, u.credit) for u in data.users} == {
        "customer@example.com": ("customer", Decimal("50.00")),
        "support@example.com": ("support", None),
    }


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# Each: a change to the data file, and what the refusal says (the row, then the reason).
BAD_ROWS = {
    "a price below zero": (
        'slug = "flat-white"\nname = "Flat White"\nprice = "3.20"',
        'slug = "flat-white"\nname = "Flat White"\nprice = "-3.20"',
        "products[54] 'flat-white': price: Money is a decimal string",
    ),
    "a field the API does not know": (
        'name = "Kreuzberg Bookshop"',
        'name = "Kreuzberg Bookshop"\ncolour = "red"',
        "stores[0] 'Kreuzberg Bookshop': colour: Extra inputs are not permitted",
    ),
    "an unknown timezone": (
        'timezone = "Europe/London"',
        'timezone = "Europe/Londinium"',
        "stores[1] 'Clerkenwell Coffee Bar': timezone: Unknown timezone",
    ),
    "a store open at 25 o'clock": (
        'sun = [["09:00", "16:00"]]',
        'sun = [["09:00", "25:00"]]',
        "stores[1] 'Clerkenwell Coffee Bar': opening_hours.sun.0.1: String should match",
    ),
    "a product of no category in the file": (
        'category = "drinks-to-go"\nslug = "chai-latte"',
        'category = "tea"\nslug = "chai-latte"',
        "products[59] 'chai-latte': category 'tea' is not a category of the file",
    ),
    "a child before its parent": (
        'slug = "books"',
        'slug = "books"\nparent = "fiction"',
        "categories[0] 'books': parent 'fiction' is not a category listed before it",
    ),
    "a slug twice": (
        'slug = "winter-in-lisbon"',
        'slug = "the-lighthouse-keepers-daughter"',
        "products[1] 'the-lighthouse-keepers-daughter': slug "
        "'the-lighthouse-keepers-daughter' appears twice",
    ),
    "negative stock": (
        "die-stille-der-kraniche = 12",
        "die-stille-der-kraniche = -12",
        "stock['Kreuzberg Bookshop'].die-stille-der-kraniche: quantity:",
    ),
    "stock of a product not in the file": (
        "nachtzug-nach-triest = 9",
        "nachtzug-nach-wien = 9",
        "stock['Kreuzberg Bookshop'].nachtzug-nach-wien: not a product of the file",
    ),
    "a demo password registration refuses": (
        'password = "demo-shopper-2026"',
        'password = "short"',
        "users[0] 'customer@example.com': password: String should have at least 8 characters",
    ),
    "a variant with a default variant's SKU": (
        'sku = "FW-L"',
        'sku = "P12"',
        "products[54] 'flat-white': variants[2]: sku 'P12' is reserved (P<digits>)",
    ),
    "a product dearer than its cheapest variant": (
        'name = "Cappuccino"\nprice = "3.00"',
        'name = "Cappuccino"\nprice = "3.40"',
        "products[55] 'cappuccino': price: a product with variants costs its lowest variant's",
    ),
    "a group the file does not have": (
        'modifier_groups = ["Extras"]',
        'modifier_groups = ["Syrups"]',
        "products[56] 'oat-milk-latte': modifier_groups ['Syrups']: names of modifier groups",
    ),
    "a default that is not one of the group's": (
        'default = "Dairy"',
        'default = "Cream"',
        "modifier_groups[0] 'Milk': default 'Cream' is not one of ['Dairy', 'Oat', 'Soy']",
    ),
    "oat milk out at a store not in the file": (
        'out_at = ["Brooklyn Books & Coffee"]',
        'out_at = ["Dock Street"]',
        "modifier_groups 'Milk': 'Oat': out_at 'Dock Street' is not a store of the file",
    ),
    "stock of a size the product does not have": (
        "FW-S = 60, FW-M = 80, FW-L = 60",
        "FW-S = 60, FW-M = 80, FW-XL = 60",
        "stock['Clerkenwell Coffee Bar'].flat-white.FW-XL: not a variant of flat-white",
    ),
    "one quantity for a product in sizes": (
        "cappuccino = { CAP-S = 60, CAP-M = 80, CAP-L = 60 }",
        "cappuccino = 200",
        "stock['Clerkenwell Coffee Bar'].cappuccino: a table of its variants' SKUs = quantity",
    ),
    "a demo admin": (
        'role = "support"',
        'role = "admin"',
        "users[1] 'support@example.com': role: the admin comes from ADMIN_EMAIL",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_refused_row_is_named_with_its_reason(case):
    old, new, message = BAD_ROWS[case]
    original = DATA_FILE.read_text()
    parse_demo_data(original)  # the file as it is loads
    with pytest.raises(DemoDataError) as refused:
        parse_demo_data(_replace_once(original, old, new), "demo_data.toml")
    # The file, then the refused row first (rows that refer to it may follow).
    first, reason, *_ = str(refused.value).splitlines()
    assert re.fullmatch(r"demo_data\.toml: \d+ refused:", first)
    assert reason.strip().startswith(message), reason


async def test_the_seed_command_refuses_a_bad_file_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "demo_data.toml"
    bad.write_text(
        _replace_once(
            DATA_FILE.read_text(), 'name = "Flat White"\nprice = "3.20"', 'price = "3.205"'
        )
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "dev.seed", "--file", str(bad)],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[shop] the demo data was not loaded:" in done.stdout
    assert "products[54] 'flat-white': price: Money is a decimal string" in done.stdout
    assert await _counts(db) == {"user": 0, "category": 0, "product": 0, "store": 0, "stock": 0}

    # The same command on the shipped file loads it.
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "dev.seed"],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (await _counts(db))["product"] == len(demo_data().products)


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
    assert len(products) == len(demo_data().products) == result.products
    assert 2 <= sum(not p.is_active for p in products) <= 3
    by_slug = {p.slug: p for p in products}
    flat_white = by_slug["flat-white"]
    assert flat_white.price == Decimal("3.20")  # its smallest size: "from €3.20"
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
        assert set(store.opening_hours) == WEEKDAYS
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
    key, quantity = (row.store_id, row.variant_id), row.quantity
    await db.execute(
        update(Stock).where(Stock.store_id == key[0], Stock.variant_id == key[1]).values(quantity=1)
    )
    other = await db.scalar(select(Stock).where(Stock.store_id != key[0]).limit(1))
    other_key, other_quantity = (other.store_id, other.variant_id), other.quantity
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
    product = await db.scalar(select(Product).where(Product.slug == "filter-coffee-of-the-day"))
    product.price = Decimal("3.90")  # an admin's edit survives a reload
    gone = await db.scalar(select(Product).where(Product.slug == "chai-latte"))
    await db.delete(gone)  # its stock rows go with it (ON DELETE CASCADE)
    await db.commit()

    result = await seed()
    stocked_in = sum("chai-latte" in quantities for quantities in demo_data().stock.values())
    assert result.products_added == 1 and result.stock_changed == stocked_in > 0
    db.expire_all()
    assert (
        await db.scalar(select(Product.price).where(Product.slug == "filter-coffee-of-the-day"))
    ) == Decimal("3.90")
    assert await db.scalar(select(Product.id).where(Product.slug == "chai-latte"))
    assert await db.scalar(select(func.count()).select_from(Product)) == len(demo_data().products)


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
        assert result is not None and counts["product"] == len(demo_data().products)


async def test_seeding_twice_adds_and_changes_nothing(db):
    """The second run finds everything in place: no row is added, none is written."""

    async def snapshot() -> dict[str, list[tuple]]:
        return {
            "users": (await db.execute(select(User.id, User.email).order_by(User.id))).all(),
            "categories": (
                await db.execute(select(Category.id, Category.updated_at).order_by(Category.id))
            ).all(),
            "products": (
                await db.execute(select(Product.id, Product.updated_at).order_by(Product.id))
            ).all(),
            "stores": (
                await db.execute(select(Store.id, Store.updated_at).order_by(Store.id))
            ).all(),
            "stock": (
                await db.execute(
                    select(Stock.store_id, Stock.variant_id, Stock.updated_at).order_by(
                        Stock.store_id, Stock.variant_id
                    )
                )
            ).all(),
            "variants": (
                await db.execute(
                    select(ProductVariant.id, ProductVariant.updated_at).order_by(ProductVariant.id)
                )
            ).all(),
            "modifiers": (await db.execute(select(Modifier.id).order_by(Modifier.id))).all(),
            "accounts": (
                await db.execute(select(Account.id, Account.balance).order_by(Account.id))
            ).all(),
            "ledger": (await db.execute(select(Transaction.id).order_by(Transaction.id))).all(),
            "images": (
                await db.execute(
                    select(ProductImage.id, ProductImage.filename).order_by(ProductImage.id)
                )
            ).all(),
        }

    first = await seed()
    before = await snapshot()
    db.expire_all()
    second = await seed()
    assert await snapshot() == before
    assert second.categories_added == second.products_added == second.stores_added == 0
    assert second.translations_added == second.variants_added == 0
    assert second.modifier_groups_added == 0
    assert second.stock_changed == 0 and first.stock_changed == first.stock_rows


async def test_every_demo_product_has_a_picture_with_alt_text_that_decodes(db):
    result = await seed()
    assert result is not None and result.pictures_added == result.products > 0
    rows = (
        await db.execute(
            select(Product.slug, Product.name, Product.attributes, ProductImage).join(
                ProductImage, ProductImage.product_id == Product.id
            )
        )
    ).all()
    assert {slug for slug, *_ in rows} == {p.data.slug for p in demo_data().products}
    assert len(rows) == len(demo_data().products)  # one picture each
    for slug, name, attributes, image in rows:
        assert image.alt_text.strip() and name in image.alt_text, slug
        if "author" in attributes:
            assert image.alt_text == f"Cover of {name} by {attributes['author']}"
        elif "origin" in attributes:
            assert image.alt_text.startswith(f"Bag of {name}")
        path = media_folder() / image.filename
        assert path.stat().st_size == image.size_bytes > 0, slug
        with Image.open(path) as decoded:
            assert decoded.format == "JPEG" and image.content_type == "image/jpeg"
            assert decoded.size == (image.width, image.height) == (pictures.WIDTH, pictures.HEIGHT)
            decoded.load()

    # Seeding again adds no picture; a product whose picture was deleted gets it back.
    again = await seed()
    assert again is not None and again.pictures_added == 0
    assert await db.scalar(select(func.count()).select_from(ProductImage)) == len(rows)
    flat_white = await db.scalar(select(Product.id).where(Product.slug == "flat-white"))
    await db.execute(delete(ProductImage).where(ProductImage.product_id == flat_white))
    await db.commit()
    third = await seed()
    assert third is not None and third.pictures_added == 1
    assert await db.scalar(select(func.count()).select_from(ProductImage)) == len(rows)


def test_a_demo_picture_is_drawn_the_same_every_time(tmp_path):
    book = next(p for p in demo_data().products if p.data.slug == "salt-and-cinder")
    picture = pictures.describe(
        book.data.slug, book.data.name, book.data.attributes, f"books/{book.category}"
    )
    assert picture.kind == "cover"
    assert picture.alt_text == "Cover of Salt and Cinder by Owen Castellane"
    assert pictures.draw(picture) == pictures.draw(picture)
    other = pictures.describe("winter-in-lisbon", "Winter in Lisbon", {"author": "A"}, "books/x")
    assert pictures.draw(other) != pictures.draw(picture)


def test_a_letter_the_built_in_font_lacks_is_drawn_as_plain_latin_not_a_box():
    assert pictures.printable("Berlin: Zehn Straßen") == "Berlin: Zehn Strassen"
    assert pictures.printable("Boquete, Chiriquí") == "Boquete, Chiriqui"


def test_every_demo_category_and_product_has_its_russian_text():
    data = demo_data()
    for row in [*data.categories, *data.products]:
        russian = row.data.translations.get("ru")
        assert russian is not None and russian.name and russian.description, row.data.slug
        assert re.search("[\u0400-\u04ff]", russian.description), row.data.slug  # Cyrillic
    coffee = next(p for p in data.products if p.data.slug == "ethiopia-yirgacheffe-kochere")
    assert coffee.data.translations["ru"].attributes["origin"] == "Эфиопия"


async def test_seeding_again_adds_the_translations_a_demo_row_lacks_and_keeps_an_admin_s(
    client, db
):
    await seed()
    beans = await db.scalar(select(Product).where(Product.slug == "kenya-nyeri-aa"))
    books = await db.scalar(select(Category).where(Category.slug == "books"))
    await db.delete(await db.get(ProductTranslation, (beans.id, "ru")))
    await db.delete(await db.get(CategoryTranslation, (books.id, "ru")))
    edited = await db.scalar(select(Product).where(Product.slug == "flat-white"))
    (await db.get(ProductTranslation, (edited.id, "ru"))).name = "Флэт уайт от бариста"
    await db.commit()

    result = await seed()
    assert result.translations_added == 2
    kenya = await client.get("/api/v1/products/kenya-nyeri-aa", params={"lang": "ru"})
    assert kenya.json()["name"] == "Кения Ньери AA"
    flat = await client.get("/api/v1/products/flat-white", params={"lang": "ru"})
    assert flat.json()["name"] == "Флэт уайт от бариста"
    found = await client.get("/api/v1/products", params={"q": "кофе зерна", "lang": "ru"})
    assert "Кения Ньери AA" in [p["name"] for p in found.json()["items"]]


async def test_the_flat_white_comes_in_sizes_with_milk_and_extras_and_a_book_in_two_formats(
    client, db
):
    result = await seed()
    assert result is not None and result.modifier_groups_added == 2
    stores = dict((await db.execute(select(Store.name, Store.id))).all())
    brooklyn, london = stores["Brooklyn Books & Coffee"], stores["Clerkenwell Coffee Bar"]

    flat = (await client.get("/api/v1/products/flat-white")).json()
    assert flat["price"] == "3.20"  # "from €3.20"
    assert [(v["sku"], v["name"], v["price"]) for v in flat["variants"]] == [
        ("FW-S", "Small", "3.20"),
        ("FW-M", "Medium", "3.60"),
        ("FW-L", "Large", "4.10"),
    ]
    milk, extras = flat["modifier_groups"]
    assert (milk["name"], milk["kind"], milk["required"]) == ("Milk", "single", True)
    assert [(m["name"], m["price_delta"]) for m in milk["modifiers"]] == [
        ("Dairy", "0.00"),
        ("Oat", "0.40"),
        ("Soy", "0.40"),
    ]
    assert milk["default_modifier_id"] == milk["modifiers"][0]["id"]
    # Oat milk is out at Brooklyn, nowhere else.
    assert [m["unavailable_store_ids"] for m in milk["modifiers"]] == [[], [brooklyn], []]
    assert (extras["name"], extras["kind"], extras["max_choices"]) == ("Extras", "multiple", 3)
    assert [(m["name"], m["price_delta"]) for m in extras["modifiers"]] == [
        ("Extra shot", "0.60"),
        ("Vanilla syrup", "0.50"),
    ]

    russian = (await client.get("/api/v1/products/flat-white", params={"lang": "ru"})).json()
    assert [v["name"] for v in russian["variants"]] == ["Маленький", "Средний", "Большой"]
    assert [g["name"] for g in russian["modifier_groups"]] == ["Молоко", "Добавки"]
    assert [m["name"] for m in russian["modifier_groups"][0]["modifiers"]][1] == "Овсяное"

    book = (await client.get("/api/v1/products/the-hidden-life-of-fungi")).json()
    assert book["price"] == "12.90" and book["modifier_groups"] == []
    assert [(v["name"], v["price"]) for v in book["variants"]] == [
        ("Paperback", "12.90"),
        ("Hardcover", "22.00"),
    ]

    # Stock per size and format, as the file says.
    quantities = dict(
        (
            await db.execute(
                select(ProductVariant.sku, Stock.quantity)
                .join(Stock, Stock.variant_id == ProductVariant.id)
                .where(Stock.store_id.in_([london, brooklyn]))
                .where(ProductVariant.sku.in_(["FW-L", "FUNGI-PB", "FUNGI-HB"]))
                .order_by(Stock.store_id)
            )
        ).all()
    )
    assert quantities == {"FW-L": 5, "FUNGI-PB": 6, "FUNGI-HB": 0}  # Brooklyn's, read last

    # A large oat flat white with an extra shot is sold in London at the catalog's price.
    from tests.factories import user_headers

    _, headers = await user_headers(client, email="barista-fan@example.com")
    oat = milk["modifiers"][1]["id"]
    shot = extras["modifiers"][0]["id"]
    large = flat["variants"][2]["id"]
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": london,
            "items": [
                {
                    "product_id": flat["id"],
                    "variant_id": large,
                    "modifier_ids": [oat, shot],
                    "quantity": 1,
                }
            ],
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    line = placed.json()["items"][0]
    assert (line["variant_name"], line["unit_price"]) == ("Large", "5.10")
    assert [m["name"] for m in line["modifiers"]] == ["Oat", "Extra shot"]
