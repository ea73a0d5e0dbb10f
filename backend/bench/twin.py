"""The raw twin of the shop's hot endpoints, for `bench.compare`: FastAPI routing, asyncpg and
orjson, the best SQL we know, answering the same JSON as the shop (the bench checks it).

    uvicorn bench.twin:app      (DATABASE_URL and REDIS_URL as the shop's)

It does the same work as the shop where the shop must do it (the bearer token, the Redis
session, the order event, the outbox rows that the shop's relay then publishes) and nothing
else: no ORM, no middleware, no validation models.
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

from app.core import outbox
from app.core.config import settings
from app.core.security import decode_access_token

COUNT_LIMIT = 10_000
CURRENCY = settings.currency

IMAGES = """coalesce((
    SELECT json_agg(json_build_object(
        'id', i.id, 'url', '/media/products/' || i.filename, 'content_type', i.content_type,
        'width', i.width, 'height', i.height, 'size_bytes', i.size_bytes,
        'position', i.position, 'alt_text', i.alt_text) ORDER BY i.position, i.id)
    FROM product_image i WHERE i.product_id = p.id), '[]'::json)"""
COLUMNS = f"""p.id, p.name, p.slug, p.description, p.price, p.category_id, p.is_active,
    p.attributes::text AS attributes, {IMAGES}::text AS images, p.created_at, p.updated_at"""
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
            f"SELECT {COLUMNS} FROM product p WHERE p.id = $1",  # noqa: S608
            product_id,
        )
    if row is None or not row["is_active"]:
        return Response(status_code=404)
    return _json(_product(row))


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
    """One line, pay at pickup: the conditional UPDATE takes the stock or answers 409."""
    user_id = await _caller(request)
    if user_id is None:
        return Response(status_code=401)
    data = orjson.loads(await request.body())
    store_id = data["store_id"]
    line = data["items"][0]
    product_id, quantity = line["product_id"], line["quantity"]
    async with pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(
            "SELECT u.username, u.is_active, coalesce(p.full_name, '') AS full_name "
            'FROM "user" u LEFT JOIN profile p ON p.user_id = u.id WHERE u.id = $1',
            user_id,
        )
        if user is None or not user["is_active"]:
            return Response(status_code=401)
        store = await conn.fetchrow(
            "SELECT id, name, address, city FROM store WHERE id = $1 AND is_active", store_id
        )
        item = await conn.fetchrow(
            "SELECT name, price FROM product WHERE id = $1 AND is_active FOR KEY SHARE", product_id
        )
        if store is None or item is None:
            return Response(status_code=404)
        taken = await conn.fetchval(
            "UPDATE stock SET quantity = quantity - $3, updated_at = now() "
            "WHERE store_id = $1 AND product_id = $2 AND quantity >= $3 RETURNING quantity",
            store_id,
            product_id,
            quantity,
        )
        if taken is None:
            return Response(status_code=409)
        total = item["price"] * quantity
        order = await conn.fetchrow(
            'INSERT INTO "order" (user_id, store_id, status, total, currency) '
            "VALUES ($1, $2, 'pending', $3, $4) RETURNING id, number, created_at, updated_at",
            user_id,
            store_id,
            total,
            CURRENCY,
        )
        assert order is not None  # INSERT ... RETURNING
        item_id = await conn.fetchval(
            "INSERT INTO order_item (order_id, product_id, product_name, quantity, unit_price) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            order["id"],
            product_id,
            item["name"],
            quantity,
            item["price"],
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
        "user_id": user_id,
        "customer_name": user["full_name"] or user["username"],
        "store": dict(store),
        "total": str(total),
        "currency": CURRENCY,
        "items": [
            {
                "id": item_id,
                "product_id": product_id,
                "product_name": item["name"],
                "quantity": quantity,
                "unit_price": str(item["price"]),
                "line_total": str(total),
            }
        ],
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
    return _json({**shown, "history": history}, 201)
