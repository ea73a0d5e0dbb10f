"""The list query language, one implementation for every list endpoint.

    ?page=2&page_size=20&sort=-price,name&q=word&price__gte=5&status__in=paid,ready

Filters are `field`, `field__in`, `field__gte`, `field__lte`, `field__icontains` on the
fields a resource declares; an unknown field, operator or sort key is a 400 naming it.
A page and its total come from one statement (`count(*) OVER ()`).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import BadRequest

T = TypeVar("T")
OPERATORS = ("eq", "in", "gte", "lte", "icontains")
RESERVED = {"page", "page_size", "sort", "q"}
MAX_IN_VALUES = 100


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
    description: str = field(default="")

    def describe(self) -> str:
        parts = []
        for name, f in self.filters.items():
            ops = ", ".join(f"`{name}`" if op == "eq" else f"`{name}__{op}`" for op in f.allowed)
            parts.append(ops)
        return (
            "List query language: `page`, `page_size` (1..100), "
            f"`sort` on {', '.join(f'`{s}`' for s in self.sorts)} (prefix `-` for descending)"
            + (", `q` search" if self.search else "")
            + "; filters: "
            + "; ".join(parts)
            + "."
        )


class ListParams(BaseModel):
    page: int
    page_size: int
    sort: str | None
    q: str | None
    filters: list[tuple[str, str, str]]  # (field, operator, raw value)


def list_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Items per page, 1..100")] = 20,
    sort: Annotated[
        str | None, Query(max_length=200, description="Comma-separated fields, `-` = descending")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search text")] = None,
) -> ListParams:
    filters = []
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        name, _, op = key.partition("__")
        filters.append((name, op or "eq", value))
    return ListParams(
        page=page, page_size=page_size, sort=sort, q=(q or "").strip() or None, filters=filters
    )


ListParamsDep = Annotated[ListParams, Depends(list_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int


BIGINT_MAX = 2**63 - 1
# NUMERIC columns hold at most 12 digits before the point; a finite bound keeps PostgreSQL
# from being asked to compare with 1e999999.
DECIMAL_LIMIT = Decimal("1e15")


def _in_range(value: Any) -> bool:
    """Whether PostgreSQL can take `value` as a bound parameter of its column's type."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -BIGINT_MAX - 1 <= value <= BIGINT_MAX
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < DECIMAL_LIMIT
    if isinstance(value, datetime):
        try:  # timestamptz: the instant must exist in UTC, years 1..9999
            value.astimezone(UTC)
        except OverflowError:
            return False
    return True


def _parse(name: str, f: Filter, raw: str) -> Any:
    try:
        value = TypeAdapter(f.type_).validate_python(raw)
    except ValidationError:
        value = None
    else:
        if _in_range(value):
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
        value = raw[:200]
    else:
        value = _parse(name, f, raw)
    if f.custom is not None:
        return f.custom(op, value)
    column = f.column
    if op == "eq":
        return column == value
    if op == "in":
        return column.in_(value)
    if op == "gte":
        return column >= value
    if op == "lte":
        return column <= value
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


def build_order(spec: ListSpec, params: ListParams) -> list[Any]:
    if not params.sort:
        if params.q and spec.rank is not None:
            order = [spec.rank(params.q).desc()]
        else:
            order = list(spec.default_sort)
    else:
        order = []
        for key in (k.strip() for k in params.sort.split(",") if k.strip()):
            descending = key.startswith("-")
            name = key.lstrip("-+")
            column = spec.sorts.get(name)
            if column is None:
                raise InvalidListQuery(
                    f"Unknown sort field {name!r}; allowed: {', '.join(sorted(spec.sorts))}.",
                    field=name,
                )
            order.append(column.desc().nulls_last() if descending else column.asc().nulls_last())
    if spec.tiebreak is not None:
        order.append(spec.tiebreak)
    return order


async def paginate(
    session: AsyncSession,
    query: Select,
    spec: ListSpec,
    params: ListParams,
    *,
    scalars: bool = True,
) -> Page:
    """Filter, sort and cut `query`; the total comes in the same statement."""
    where = build_where(spec, params)
    if where:
        query = query.where(and_(*where))
    query = query.order_by(None).order_by(*build_order(spec, params))
    paged = (
        query.add_columns(func.count().over().label("_total"))
        .limit(params.page_size)
        .offset((params.page - 1) * params.page_size)
    )
    rows = (
        (await session.execute(paged)).unique().all()
        if scalars
        else (await session.execute(paged)).all()
    )
    if rows:
        total = rows[0][-1]
        items = [row[0] if scalars else row[:-1] for row in rows]
    else:
        items = []
        total = (
            0
            if params.page == 1
            else await session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
        )
    return Page(
        items=items,
        total=total,
        page=params.page,
        page_size=params.page_size,
        pages=math.ceil(total / params.page_size) if total else 0,
    )


def search_columns(*columns: InstrumentedAttribute) -> Callable[[str], ColumnElement[bool]]:
    """`q` as a case-insensitive substring over a few text columns."""

    def search(q: str) -> ColumnElement[bool]:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))

    return search
