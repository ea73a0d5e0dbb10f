"""The raw twin of the shop's hot endpoints, for `bench.compare`: FastAPI routing, asyncpg and
orjson, the best SQL we know, answering the same JSON as the shop (the bench checks it).

    uvicorn bench.twin:app      (DATABASE_URL and REDIS_URL as the shop's)

It does the same work as the shop where the shop must do it (the bearer token, the Redis
session, the order event, the outbox rows that the shop's relay then publishes; a line's
variant and modifiers checked and priced by app.catalog.configurations, the shop's own rules)
and nothing else: no ORM, no middleware, no validation models.
"""

import base64
import re
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from redis.asyncio import Redis

from app.catalog.configurations import Choice, configure
from app.catalog.errors import InvalidOptions, OptionsUnavailable
from app.core import outbox
from app.core.config import settings
from app.core.language import DEFAULT_LANGUAGE
from app.core.security import decode_access_token

COUNT_LIMIT = 10_000
CURRENCY = settings.currency

IMAGES = """coalesce((
    SELECT json_agg(json_build_object(
        'id', i.id, 'url', '/media/products/' || i.filename, 'content_type', i.content_type,
        'width', i.width, 'height', i.height, 'size_bytes', i.size_bytes,
        'position', i.position, 'alt_text', i.alt_text) ORDER BY i.position, i.id)
    FROM product_image i WHERE i.product_id = p.id), '[]'::json)"""
# Its active variants differ in price (ProductRead.price_varies: "from €3.20").
PRICE_VARIES = """(SELECT coalesce(min(v.price) <> max(v.price), false) FROM product_variant v
    WHERE v.product_id = p.id AND v.is_active)"""
# It needs choosing (ProductRead.has_options): several active variants or a modifier group.
HAS_OPTIONS = """((SELECT coalesce(min(v.id) <> max(v.id), false) FROM product_variant v
        WHERE v.product_id = p.id AND v.is_active)
    OR EXISTS (SELECT FROM product_modifier_group pg WHERE pg.product_id = p.id))"""
COLUMNS = f"""p.id, p.name, p.slug, p.description, p.price,
    {PRICE_VARIES} AS price_varies, {HAS_OPTIONS} AS has_options, p.category_id, p.is_active,
    p.attributes::text AS attributes, {IMAGES}::text AS images, p.created_at, p.updated_at"""
# A product's active variants and its modifier groups, as the shop's product read shows them
# (app.catalog.repository._variants_json and _modifier_groups_json), in the default language.
VARIANTS = f"""(SELECT coalesce(json_agg(json_build_object(
        'id', v.id, 'sku', v.sku, 'name', coalesce(t.name, v.name),
        'price', v.price::text, 'attributes', v.attributes
    ) ORDER BY v.position, v.id), '[]'::json)
    FROM product_variant v
    LEFT JOIN product_variant_translation t
        ON t.variant_id = v.id AND t.language = '{DEFAULT_LANGUAGE}'
    WHERE v.product_id = p.id AND v.is_active)"""  # noqa: S608 (a SHOP_LANGUAGES code)
MODIFIER_GROUPS = f"""(SELECT coalesce(json_agg(json_build_object(
        'id', g.id, 'name', coalesce(gt.name, g.name), 'kind', g.kind,
        'required', g.required, 'min_choices', g.min_choices,
        'max_choices', g.max_choices, 'default_modifier_id', g.default_modifier_id,
        'modifiers', (
            SELECT coalesce(json_agg(json_build_object(
                'id', m.id, 'name', coalesce(mt.name, m.name),
                'price_delta', m.price_delta::text,
                'unavailable_store_ids', (
                    SELECT coalesce(json_agg(u.store_id ORDER BY u.store_id), '[]'::json)
                    FROM modifier_unavailable u WHERE u.modifier_id = m.id)
            ) ORDER BY m.position, m.id), '[]'::json)
            FROM modifier m
            LEFT JOIN modifier_translation mt
                ON mt.modifier_id = m.id AND mt.language = '{DEFAULT_LANGUAGE}'
            WHERE m.group_id = g.id AND m.is_active)
    ) ORDER BY pg.position, g.id), '[]'::json)
    FROM product_modifier_group pg
    JOIN modifier_group g ON g.id = pg.group_id
    LEFT JOIN modifier_group_translation gt
        ON gt.group_id = g.id AND gt.language = '{DEFAULT_LANGUAGE}'
    WHERE pg.product_id = p.id)"""  # noqa: S608 (a SHOP_LANGUAGES code)
SUBTREE = """p.category_id IN (WITH RECURSIVE tree AS (
    SELECT id FROM category WHERE id = $1
    UNION SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id) SELECT id FROM tree)"""
TYPO = """coalesce((SELECT s.word FROM search_word s WHERE s.word % ${n}
    AND similarity(s.word, ${n}) >= 0.5 ORDER BY s.word <-> ${n} LIMIT 1), ${n})"""


def search_sql(q: str, first: int) -> tuple[str, str, list[Any]]:
    """The shop's search (app.catalog.repository.product_search and product_rank) with its
    arguments numbered from $`first`: the match, the rank and the arguments."""
    args: list[Any] = [q]
    terms = []
    for word in [w.lower() for w in re.findall(r"\w+", q)][:8]:
        args.append(word + ":*")
        term = f"to_tsquery('russian', ${first + len(args) - 1})"
        if len(word) >= 4:
            args.append(word)
            nearest = TYPO.replace("{n}", str(first + len(args) - 1))
            term = f"({term} || to_tsquery('russian', {nearest} || ':*'))"
        terms.append(term)
    query = f"websearch_to_tsquery('russian', ${first})"
    if terms:
        query = f"({query} || ({' && '.join(terms)}))"
    return (
        f"p.search_vector @@ {query}",
        f"(ts_rank(p.search_vector, {query}) + word_similarity(${first}, p.name) "
        f"+ similarity(${first}, p.name))",
        args,
    )


ORDERS = {
    "": ("p.name, p.id", ("name", "id")),
    "name": ("p.name, p.id", ("name", "id")),
    "-price": ("p.price DESC, p.id DESC", ("price", "id")),
    "price": ("p.price, p.id", ("price", "id")),
}

pool: asyncpg.Pool
redis: Redis


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


@asynccontextmanager
async def lifespan(app: FastAPI):
    global pool, redis
    dsn = settings.database_url.replace("postgresql+asyncpg", "postgresql")
    # No reset on release (asyncpg's runs 4 statements): the twin keeps no session state.
    pool = await asyncpg.create_pool(
        dsn, min_size=4, max_size=settings.db_pool_size, reset=_no_reset
    )
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    yield
    await outbox.stop()
    await pool.close()
    await redis.aclose()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_UTC_Z), status, media_type="application/json"
    )


def _product(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "description": row["description"],
        "price": str(row["price"]),
        "price_varies": row["price_varies"],
        "has_options": row["has_options"],
        "currency": CURRENCY,
        "category_id": row["category_id"],
        "is_active": row["is_active"],
        "attributes": orjson.Fragment(row["attributes"]),
        "images": orjson.Fragment(row["images"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _cursor(signature: str, values: list[Any]) -> str:
    encoded = [
        ["d", str(v)]
        if isinstance(v, Decimal)
        else ["t", v.isoformat()]
        if isinstance(v, datetime)
        else v
        for v in values
    ]
    return base64.urlsafe_b64encode(orjson.dumps([signature, encoded])).rstrip(b"=").decode()


@app.get("/twin/products")
async def products(
    page_size: int = 20, sort: str = "", category_id: int | None = None, q: str | None = None
) -> Response:
    args: list[Any] = []
    where, window = "p.is_active", ""
    if category_id is not None:
        args.append(category_id)
        where += " AND " + SUBTREE
    if q:
        search, rank, search_args = search_sql(q, len(args) + 1)
        args += search_args
        where += " AND " + search
        # The shop ranks the newest 1,000 matches (app.catalog.repository.RANK_WINDOW).
        window = (
            " AND p.id IN (SELECT p.id FROM product p "  # noqa: S608 (our own SQL pieces)
            f"WHERE {where} ORDER BY p.id DESC LIMIT 1000)"
        )
        order, keys = f"{rank} DESC, p.id", (rank, "p.id")
        key_columns = f"{rank} AS k0, p.id AS k1"
    else:
        order, names = ORDERS[sort]
        key_columns = ", ".join(f"p.{n} AS k{i}" for i, n in enumerate(names))
        keys = names
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"SELECT {COLUMNS}, {key_columns} FROM product p WHERE {where}{window} "  # noqa: S608
            f"ORDER BY {order} LIMIT {page_size + 1}",
            *args,
        )
        more = len(rows) > page_size
        rows = rows[:page_size]
        total = (
            len(rows)
            if not more
            else await conn.fetchval(
                f"SELECT count(*) FROM (SELECT 1 FROM product p WHERE {where} "  # noqa: S608
                f"LIMIT {COUNT_LIMIT + 1}) AS matches",
                *args,
            )
        )
    capped = total > COUNT_LIMIT
    total = min(total, COUNT_LIMIT)
    last = rows[-1] if rows else None
    return _json(
        {
            "items": [_product(row) for row in rows],
            "total": total,
            "total_capped": capped,
            "page": 1,
            "page_size": page_size,
            "pages": -(-total // page_size),
            "next_cursor": _cursor(f"{sort}|{q or ''}", [last[f"k{i}"] for i in range(len(keys))])
            if more and last is not None
            else None,
        }
    )


@app.get("/twin/products/{product_id}")
async def product(product_id: int) -> Response:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT {COLUMNS}, {VARIANTS}::text AS variants, "  # noqa: S608
            f"{MODIFIER_GROUPS}::text AS modifier_groups FROM product p WHERE p.id = $1",
            product_id,
        )
    if row is None or not row["is_active"]:
        return Response(status_code=404)
    return _json(
        {
            **_product(row),
            "variants": orjson.Fragment(row["variants"]),
            "modifier_groups": orjson.Fragment(row["modifier_groups"]),
        }
    )


async def _caller(request: Request) -> int | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    claims = decode_access_token(token) if scheme.lower() == "bearer" else None
    if claims is None:
        return None
    user_id, sid = int(claims["sub"]), str(claims["sid"])
    if await redis.hget(f"session:{sid}", "user_id") != str(user_id):
        return None
    if await redis.set(f"session_touch:{sid}", 1, ex=60, nx=True):
        await redis.hset(f"session:{sid}", "last_seen_at", datetime.now(UTC).isoformat())
    return user_id


@app.post("/twin/orders")
async def place_order(request: Request) -> Response:
    """One line, pay at pickup, with its variant and modifiers if sent: the product read with
    its options in the statement that locks it, the line checked and priced by the shop's
    rules, then the conditional UPDATE takes the variant's stock or answers 409."""
    user_id = await _caller(request)
    if user_id is None:
        return Response(status_code=401)
    data = orjson.loads(await request.body())
    store_id = data["store_id"]
    line = data["items"][0]
    product_id, quantity = line["product_id"], line["quantity"]
    choice = Choice(product_id, line.get("variant_id"), line.get("modifier_ids"))
    async with pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(
            "SELECT u.username, u.is_active, coalesce(p.full_name, '') AS full_name "
            'FROM "user" u LEFT JOIN profile p ON p.user_id = u.id WHERE u.id = $1',
            user_id,
        )
        if user is None or not user["is_active"]:
            return Response(status_code=401)
        store = await conn.fetchrow(
            "SELECT id, name, address, city, pay_at_pickup FROM store WHERE id = $1 AND is_active",
            store_id,
        )
        item = await conn.fetchrow(
            f"SELECT p.name, {VARIANTS}::text AS variants, "  # noqa: S608
            f"{MODIFIER_GROUPS}::text AS modifier_groups FROM product p "
            "WHERE p.id = $1 AND p.is_active FOR KEY SHARE OF p",
            product_id,
        )
        if store is None or item is None:
            return Response(status_code=404)
        if not store["pay_at_pickup"]:
            return Response(status_code=409)
        options = (orjson.loads(item["variants"]), orjson.loads(item["modifier_groups"]))
        try:
            (configured,) = configure(
                {product_id: options}, [choice], store_id, {product_id: item["name"]}
            )
        except InvalidOptions:
            return Response(status_code=422)
        except OptionsUnavailable:
            return Response(status_code=409)
        taken = await conn.fetchval(
            "UPDATE stock SET quantity = quantity - $3, updated_at = now() "
            "WHERE store_id = $1 AND variant_id = $2 AND quantity >= $3 RETURNING quantity",
            store_id,
            configured.variant_id,
            quantity,
        )
        if taken is None:
            return Response(status_code=409)
        unit_price = configured.unit_price
        total = unit_price * quantity
        order = await conn.fetchrow(
            'INSERT INTO "order" (user_id, store_id, status, total, currency, payment_method) '
            "VALUES ($1, $2, 'pending', $3, $4, 'pickup') "
            "RETURNING id, number, created_at, updated_at",
            user_id,
            store_id,
            total,
            CURRENCY,
        )
        assert order is not None  # INSERT ... RETURNING
        modifiers = orjson.dumps(configured.modifiers).decode()
        item_id = await conn.fetchval(
            "INSERT INTO order_item (order_id, product_id, product_name, variant_id, "
            "variant_name, modifiers, quantity, unit_price) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING id",
            order["id"],
            product_id,
            item["name"],
            configured.variant_id,
            configured.variant_name,
            modifiers,
            quantity,
            unit_price,
        )
        changed_at = await conn.fetchval(
            "INSERT INTO order_status_change (order_id, from_status, to_status, changed_by_id) "
            "VALUES ($1, NULL, 'pending', $2) RETURNING changed_at",
            order["id"],
            user_id,
        )
        await conn.execute(
            "INSERT INTO job_outbox (task, args, kwargs) VALUES "
            "('app.orders.tasks.send_order_confirmation', $1::jsonb, '{}'), "
            "('app.orders.tasks.notify_admins_of_order', $1::jsonb, '{}')",
            orjson.dumps([order["id"]]).decode(),
        )
    outbox.wake()
    shown = {
        "id": order["id"],
        "number": order["number"],
        "status": "pending",
        "payment": "unpaid",
        "payment_method": "pickup",
        "hold_expires_at": None,
        "pay_url": None,
        "user_id": user_id,
        "customer_name": user["full_name"] or user["username"],
        "guest": None,
        "store": {key: store[key] for key in ("id", "name", "address", "city")},
        "total": str(total),
        "currency": CURRENCY,
        "items": [
            {
                "id": item_id,
                "product_id": product_id,
                "product_name": item["name"],
                "variant_id": configured.variant_id,
                "variant_name": configured.variant_name,
                "modifiers": configured.modifiers,
                "quantity": quantity,
                "unit_price": str(unit_price),
                "line_total": str(total),
                "refunded_quantity": 0,
            }
        ],
        "refunded_total": "0.00",
        "refunds": [],
        "created_at": order["created_at"],
        "updated_at": order["updated_at"],
    }
    frame = {"type": "order", "event": "placed", "from_status": None, "order": shown}
    await redis.publish("orders:events", orjson.dumps(frame, option=orjson.OPT_UTC_Z))
    history = [
        {
            "from_status": None,
            "to_status": "pending",
            "changed_by_id": user_id,
            "changed_at": changed_at,
        }
    ]
    return _json({**shown, "history": history, "payments": None, "access_key": None}, 201)
