"""The list query language, one implementation for every list endpoint.

    ?page=2&page_size=20&sort=-price,name&q=word&price__gte=5&status__in=paid,ready

Filters are `field`, `field__in`, `field__gte`, `field__lte`, `field__icontains` on the
fields a resource declares; an unknown field, operator or sort key is a 400 naming it.

A page is one statement (LIMIT page_size + 1, so the next page is known without counting); the
total is a second one, capped at COUNT_LIMIT rows (past that `total_capped` is true), skipped
when the page itself shows where the list ends, and cached where the caller says how (the
catalog's, in Redis). `cursor` (the `next_cursor` of the page before) continues after that
page's last row by keyset, so deep pages cost what the first one does.
"""

import base64
import binascii
import enum
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    UnaryExpression,
    and_,
    false,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import BadRequest
from app.core.types import INT64_MAX, NO_NUL_PATTERN

T = TypeVar("T")
# `lang`: the language of the texts (app.core.language), read by the route itself.
RESERVED = {"page", "page_size", "sort", "q", "cursor", "lang"}
MAX_IN_VALUES = 100
# Rows a total counts at most: a count costs what a page of this size would, never the whole
# table; past it the answer says "more than COUNT_LIMIT" (`total_capped`).
COUNT_LIMIT = 10_000


class InvalidListQuery(BadRequest):
    code, title = "invalid_list_query", "Invalid list query"


# A custom filter turns (operator, parsed value) into a WHERE clause.
CustomFilter = Callable[[str, Any], ColumnElement[bool]]


@dataclass(frozen=True)
class Filter:
    """A filterable public field: a column (or expression) and the type its values parse to."""

    column: Any
    type_: Any = str
    operators: tuple[str, ...] | None = None  # default: by type
    custom: CustomFilter | None = None

    @property
    def allowed(self) -> tuple[str, ...]:
        if self.operators is not None:
            return self.operators
        if self.type_ is str:
            return ("eq", "in", "icontains")
        return ("eq", "in", "gte", "lte")


@dataclass(frozen=True)
class ListSpec:
    filters: dict[str, Filter]
    sorts: dict[str, Any]
    default_sort: Sequence[Any]
    search: Callable[[str], ColumnElement[bool]] | None = None
    # Sorting by search rank when `q` is given and no explicit sort is asked for.
    rank: Callable[[str], ColumnElement[Any]] | None = None
    tiebreak: Any = None
    # The tiebreak takes the direction of the last key asked for (`-price` → id descending),
    # so one (key, id) index read backwards serves a descending sort.
    tiebreak_follows_sort: bool = False
    # Ranked search reads at most this many matches, the newest by the tiebreak key, and ranks
    # those: a common word costs the same as a rare one.
    rank_window: int | None = None
    description: str = field(default="")

    def describe(self) -> str:
        return (
            "List query language: `page`, `page_size` (1..100), `sort` (comma-separated keys, "
            "`-` for descending)" + (", `q` search" if self.search else "") + ", `cursor` "
            "(a page's `next_cursor`: the rows after it, for infinite scroll and deep pages) "
            "and the filters below (`field`, `field__in`, `field__gte`, `field__lte`, "
            "`field__icontains`); an unknown one answers 400 naming it. `total` counts at "
            f"most {COUNT_LIMIT:,} matches: with more, `total_capped` is true (show "
            f'"{COUNT_LIMIT:,}+").'
        )

    @property
    def sort_pattern(self) -> str:
        key = "[-+]?(?:" + "|".join(re.escape(name) for name in self.sorts) + ")"
        return f"^({key}(,{key})*)?$"

    def openapi_extra(self) -> dict[str, Any]:
        """The route's `openapi_extra`: sort keys and every filter as declared parameters."""
        parameters: list[dict[str, Any]] = [
            {
                "name": "sort",
                "in": "query",
                "required": False,
                "description": "Comma-separated sort keys, `-` before a key for descending: "
                + ", ".join(f"`{name}`" for name in self.sorts),
                "schema": {"type": "string", "maxLength": 200, "pattern": self.sort_pattern},
            }
        ]
        for name, f in self.filters.items():
            for op in f.allowed:
                parameters.append(_filter_parameter(name, f, op))
        return {"parameters": parameters}


class ListParams(BaseModel):
    page: int
    page_size: int
    sort: str | None
    q: str | None
    filters: list[tuple[str, str, str]]  # (field, operator, raw value)
    cursor: str | None = None


_OPERATOR_WORDS = {
    "eq": "equals",
    "in": "is one of (comma-separated)",
    "gte": "at least",
    "lte": "at most",
    "icontains": "contains, ignoring case",
}


def _value_schema(f: Filter) -> dict[str, Any]:
    """The JSON Schema of one filter value, as `_parse` reads it."""
    if f.type_ is bool:
        return {"type": "boolean"}
    if f.type_ is int:
        limit = int_limit(f.column)
        return {
            "type": "integer",
            "format": "int64" if limit > 2**31 else "int32",
            "minimum": -limit - 1,
            "maximum": limit,
        }
    if f.type_ is Decimal:
        bound = float(decimal_limit(f.column))
        return {"type": "number", "exclusiveMinimum": -bound, "exclusiveMaximum": bound}
    if f.type_ is datetime:
        return {"type": "string", "format": "date-time"}
    if isinstance(f.type_, type) and issubclass(f.type_, enum.Enum):
        return {"type": "string", "enum": [member.value for member in f.type_]}
    return {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NO_NUL_PATTERN}


def _filter_parameter(name: str, f: Filter, op: str) -> dict[str, Any]:
    key = name if op == "eq" else f"{name}__{op}"
    parameter: dict[str, Any] = {
        "name": key,
        "in": "query",
        "required": False,
        "description": f"Filter: `{name}` {_OPERATOR_WORDS[op]}",
    }
    if op == "in":
        parameter.update(
            style="form",
            explode=False,
            schema={
                "type": "array",
                "items": _value_schema(f),
                "minItems": 1,
                "maxItems": MAX_IN_VALUES,
            },
        )
    elif op == "icontains":
        parameter["schema"] = {"type": "string", "maxLength": 200, "pattern": NO_NUL_PATTERN}
    else:
        parameter["schema"] = _value_schema(f)
    return parameter


async def list_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Items per page, 1..100")] = 20,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Search text, up to 200 characters (what it matches: see the list's "
            "description)",
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=1000,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="The `next_cursor` of the page before: the rows after it (`page` is "
            "then ignored); the same `sort`, `q` and filters must be sent again",
        ),
    ] = None,
) -> ListParams:
    # `sort` and the filters are declared per list (ListSpec.openapi_extra) and checked
    # against its spec when the query is built.
    sort = request.query_params.get("sort")
    filters = []
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        name, _, op = key.partition("__")
        filters.append((name, op or "eq", value))
    return ListParams(
        page=page,
        page_size=page_size,
        sort=sort,
        q=(q or "").strip() or None,
        filters=filters,
        cursor=cursor,
    )


ListParamsDep = Annotated[ListParams, Depends(list_params)]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    items: list[T]
    total: int = Field(
        description=f"Matches in all, counted up to {COUNT_LIMIT:,}: with `total_capped` "
        "there are more"
    )
    total_capped: bool = Field(
        description=f"true: more than {COUNT_LIMIT:,} match, `total` and `pages` stop there"
    )
    page: int
    page_size: int
    pages: int
    next_cursor: str | None = Field(
        description="Send as `cursor` for the rows after this page; null on the last page"
    )
    # Not shown: the count paginate() made for this page (None when it made none).
    counted: int | None = Field(default=None, exclude=True)


# NUMERIC columns hold at most 12 digits before the point; a finite bound keeps PostgreSQL
# from being asked to compare with 1e999999.
DECIMAL_LIMIT = Decimal("1e15")


def decimal_limit(column: Any) -> Decimal:
    """What a NUMERIC(p, s) column's values stay below once rounded to s places."""
    column_type = getattr(column, "type", None)
    precision: int | None = getattr(column_type, "precision", None)
    scale: int | None = getattr(column_type, "scale", None)
    if precision and scale is not None:
        return Decimal(10) ** (precision - scale) - Decimal(10) ** -scale / 2
    return DECIMAL_LIMIT


def int_limit(column: Any) -> int:
    """The largest value of the column's integer type (INTEGER or BIGINT)."""
    column_type = getattr(column, "type", None)
    if isinstance(column_type, Integer) and not isinstance(column_type, BigInteger):
        return 2**31 - 1
    return INT64_MAX


def _in_range(value: Any, column: Any = None) -> bool:
    """Whether PostgreSQL can take `value` as a bound parameter of its column's type."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        limit = int_limit(column)
        return -limit - 1 <= value <= limit
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < decimal_limit(column)
    if isinstance(value, datetime):
        try:  # timestamptz: the instant must exist in UTC, years 1..9999
            value.astimezone(UTC)
        except OverflowError:
            return False
    return True


# RFC 3339 date-time, as the OpenAPI's `format: date-time` says (no bare dates or numbers).
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _parse(name: str, f: Filter, raw: str) -> Any:
    try:
        if f.type_ is datetime and not _DATE_TIME.match(raw):
            raise ValueError
        if f.type_ is str and not 1 <= len(raw) <= 200:
            raise ValueError
        value = TypeAdapter(f.type_).validate_python(raw)
    except (ValidationError, ValueError):
        value = None
    else:
        if _in_range(value, f.column):
            return value
    raise InvalidListQuery(f"Invalid value {raw[:50]!r} for filter {name!r}.", field=name)


def _clause(name: str, f: Filter, op: str, raw: str) -> ColumnElement[bool]:
    if op == "in":
        raws = [v for v in raw.split(",") if v != ""]
        if not raws or len(raws) > MAX_IN_VALUES:
            raise InvalidListQuery(
                f"{name}__in takes 1 to {MAX_IN_VALUES} comma-separated values.", field=name
            )
        value: Any = [_parse(name, f, v) for v in raws]
    elif op == "icontains":
        if len(raw) > 200:
            raise InvalidListQuery(f"{name}__icontains takes at most 200 characters.", field=name)
        value = raw
    else:
        value = _parse(name, f, raw)
    if f.custom is not None:
        return f.custom(op, value)
    column: ColumnElement[Any] = f.column
    operand: object = value  # not Any: a comparison with Any would be typed Any
    if op == "eq":
        return column == operand
    if op == "in":
        return column.in_(value)
    if op == "gte":
        return column >= operand
    if op == "lte":
        return column <= operand
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def build_where(spec: ListSpec, params: ListParams) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    for name, op, raw in params.filters:
        f = spec.filters.get(name)
        if f is None:
            raise InvalidListQuery(
                f"Unknown filter field {name!r}; allowed: {', '.join(sorted(spec.filters))}.",
                field=name,
            )
        if op not in f.allowed:
            raise InvalidListQuery(
                f"Unknown operator {op!r} for field {name!r}; allowed: {', '.join(f.allowed)}.",
                field=name,
                operator=op,
            )
        where.append(_clause(name, f, op, raw))
    if params.q and spec.search is not None:
        where.append(spec.search(params.q))
    return where


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY key: the expression, its direction, and whether it may be NULL (then
    NULLS LAST)."""

    expression: Any
    descending: bool
    nullable: bool

    def clause(self) -> Any:
        ordered = self.expression.desc() if self.descending else self.expression.asc()
        return ordered.nulls_last() if self.nullable else ordered


def _nullable(expression: Any) -> bool:
    # Sorting a NOT NULL column without NULLS LAST lets a (backward) index scan serve it.
    return getattr(getattr(expression, "expression", expression), "nullable", True)


def _tiebreak_key(tiebreak: Any, descending: bool | None) -> SortKey:
    """The unique last key; it follows the direction of the key before it (when one was
    asked for), so one index read forwards or backwards serves the whole order."""
    expression, own_descending = tiebreak, False
    if isinstance(tiebreak, UnaryExpression) and tiebreak.element is not None:
        expression = tiebreak.element
        own_descending = tiebreak.modifier is not None and "desc" in str(tiebreak.modifier)
    return SortKey(expression, own_descending if descending is None else descending, False)


def sort_keys(spec: ListSpec, params: ListParams) -> list[SortKey]:
    if params.sort and (len(params.sort) > 200 or not re.fullmatch(spec.sort_pattern, params.sort)):
        unknown = [
            key.lstrip("-+") for key in params.sort.split(",") if key.lstrip("-+") not in spec.sorts
        ]
        raise InvalidListQuery(
            f"Invalid sort {params.sort[:50]!r}"
            + (f": unknown key {unknown[0][:50]!r}" if unknown else "")
            + f"; allowed: {', '.join(sorted(spec.sorts))}, comma-separated, `-` for descending.",
            field=unknown[0][:50] if unknown else "sort",
        )
    keys: list[SortKey] = []
    explicit = False
    if not params.sort:
        if params.q and spec.rank is not None:
            keys = [SortKey(spec.rank(params.q), True, False)]
        else:
            for ordered in spec.default_sort:
                descending = "desc" in str(ordered.modifier)
                keys.append(SortKey(ordered.element, descending, _nullable(ordered.element)))
    else:
        explicit = True
        for key in (k.strip() for k in params.sort.split(",") if k.strip()):
            name = key.lstrip("-+")
            column = spec.sorts.get(name)
            if column is None:
                raise InvalidListQuery(
                    f"Unknown sort field {name!r}; allowed: {', '.join(sorted(spec.sorts))}.",
                    field=name,
                )
            keys.append(SortKey(column, key.startswith("-"), _nullable(column)))
    if spec.tiebreak is not None:
        follow = explicit and spec.tiebreak_follows_sort
        keys.append(_tiebreak_key(spec.tiebreak, keys[-1].descending if follow else None))
    return keys


def build_order(spec: ListSpec, params: ListParams) -> list[Any]:
    return [key.clause() for key in sort_keys(spec, params)]


# --- keyset cursors ---------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return ["d", str(value)]
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2 and value[0] in ("d", "t"):
        return Decimal(value[1]) if value[0] == "d" else datetime.fromisoformat(value[1])
    return value


def _order_signature(params: ListParams) -> str:
    """What a cursor is only valid with: the same order (and search, which ranks)."""
    return f"{params.sort or ''}|{params.q or ''}"


def encode_cursor(params: ListParams, values: Sequence[Any]) -> str:
    payload = orjson.dumps([_order_signature(params), [_encode_value(v) for v in values]])
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_cursor(params: ListParams, keys: int) -> list[Any]:
    raw = params.cursor or ""
    try:
        signature, values = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if signature != _order_signature(params) or len(values) != keys:
            raise ValueError
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise InvalidListQuery(
            "Invalid cursor: send a page's `next_cursor` with the same sort and q.",
            field="cursor",
        ) from None


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows that come after `values` in the order of `keys` (a keyset condition)."""
    uniform = all(k.descending == keys[0].descending and not k.nullable for k in keys)
    if uniform and None not in values:
        row = tuple_(*(k.expression for k in keys))
        bound = tuple_(*values)
        return row < bound if keys[0].descending else row > bound

    def beyond(key: SortKey, value: Any) -> ColumnElement[bool]:
        if value is None:  # NULLS LAST: nothing comes after a null but other nulls
            return false()
        past: ColumnElement[bool] = (
            key.expression < value if key.descending else key.expression > value
        )
        return or_(past, key.expression.is_(None)) if key.nullable else past

    def same(key: SortKey, value: Any) -> ColumnElement[bool]:
        expression: ColumnElement[Any] = key.expression
        operand: object = value  # not Any: a comparison with Any would be typed Any
        return expression.is_(None) if value is None else expression == operand

    alternatives = []
    for n, (key, value) in enumerate(zip(keys, values, strict=True)):
        equal = [same(k, v) for k, v in zip(keys[:n], values[:n], strict=True)]
        alternatives.append(and_(*equal, beyond(key, value)))
    return or_(*alternatives)


# --- pages --------------------------------------------------------------------------------


def count_key(params: ListParams, scope: str) -> str:
    """What a list's total depends on: its scope (who asks) and its filters and search."""
    return orjson.dumps([scope, params.q, sorted(params.filters)]).decode()


async def count_rows(session: AsyncSession | AsyncConnection, query: Select[Any]) -> int:
    """Rows of `query`, counted up to COUNT_LIMIT + 1 (one more says "more than that")."""
    capped = query.order_by(None).limit(COUNT_LIMIT + 1).subquery()
    return int(await session.scalar(select(func.count()).select_from(capped)) or 0)


async def paginate(
    session: AsyncSession | AsyncConnection,
    query: Select[Any],
    spec: ListSpec,
    params: ListParams,
    *,
    scalars: bool = True,
    known_total: int | None = None,
) -> Page[Any]:
    """Filter, sort and cut `query`: one statement for the page, one for the total unless
    the page shows it or the caller knows it (`known_total`, a cached count; the count made
    here is left in `page.counted` for the caller to keep)."""
    where = build_where(spec, params)
    unfiltered = query
    if where:
        query = query.where(and_(*where))
    keys = sort_keys(spec, params)
    filtered = query  # what the total counts: every match
    if params.q and not params.sort and spec.rank is not None and spec.rank_window:
        newest = _tiebreak_key(spec.tiebreak, True).expression
        window = query.with_only_columns(newest).order_by(newest.desc()).limit(spec.rank_window)
        # The window holds only matches: the rows it names are read by key, not searched again.
        query = unfiltered.where(newest.in_(window.scalar_subquery()))
    offset = 0
    if params.cursor is not None:
        query = query.where(after(keys, decode_cursor(params, len(keys))))
    else:
        offset = (params.page - 1) * params.page_size
    paged = (
        query.order_by(None)
        .order_by(*(key.clause() for key in keys))
        .add_columns(*(key.expression.label(f"_key{n}") for n, key in enumerate(keys)))
        .limit(params.page_size + 1)
        .offset(offset)
    )
    result = await session.execute(paged)
    rows = result.unique().all() if scalars else result.all()
    more = len(rows) > params.page_size
    rows = rows[: params.page_size]
    width = len(keys)
    items = [row[0] if scalars else tuple(row[:-width]) for row in rows]
    next_cursor = encode_cursor(params, rows[-1][-width:]) if more and rows else None

    total: int | None = None
    counted: int | None = None
    if params.cursor is None and not more and (rows or offset == 0):
        total = offset + len(rows)  # this page is the last: no count needed
    if total is None:
        total = known_total
    if total is None:
        total = counted = await count_rows(session, filtered)
    capped = total > COUNT_LIMIT
    total = min(total, COUNT_LIMIT)
    page = Page(
        items=items,
        total=total,
        total_capped=capped,
        page=params.page,
        page_size=params.page_size,
        pages=math.ceil(total / params.page_size) if total else 0,
        next_cursor=next_cursor,
    )
    page.counted = counted
    return page


def search_columns(
    *columns: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
) -> Callable[[str], ColumnElement[bool]]:
    """`q` as a case-insensitive substring over a few text columns (a NULL one matches not)."""

    def search(q: str) -> ColumnElement[bool]:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))

    return search
