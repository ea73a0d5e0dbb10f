"""The list query language, one implementation for every list endpoint.

    ?page=2&page_size=20&sort=-price,name&q=word&price__gte=5&status__in=paid,ready

Filters are `field`, `field__in`, `field__gte`, `field__lte`, `field__icontains` on the
fields a resource declares; an unknown field, operator or sort key is a 400 naming it.
A page and its total come from one statement (`count(*) OVER ()`).
"""

import enum
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from sqlalchemy import BigInteger, ColumnElement, Integer, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import BadRequest
from app.core.types import INT64_MAX, NO_NUL_PATTERN

T = TypeVar("T")
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
        return (
            "List query language: `page`, `page_size` (1..100), `sort` (comma-separated keys, "
            "`-` for descending)" + (", `q` search" if self.search else "") + " and the "
            "filters below (`field`, `field__in`, `field__gte`, `field__lte`, "
            "`field__icontains`); an unknown one answers 400 naming it."
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


def list_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Items per page, 1..100")] = 20,
    q: Annotated[str | None, Query(max_length=200, description="Search text")] = None,
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
        page=page, page_size=page_size, sort=sort, q=(q or "").strip() or None, filters=filters
    )


ListParamsDep = Annotated[ListParams, Depends(list_params)]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int


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


def build_order(spec: ListSpec, params: ListParams) -> list[Any]:
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
    query: Select[Any],
    spec: ListSpec,
    params: ListParams,
    *,
    scalars: bool = True,
) -> Page[Any]:
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


def search_columns(*columns: InstrumentedAttribute[str]) -> Callable[[str], ColumnElement[bool]]:
    """`q` as a case-insensitive substring over a few text columns."""

    def search(q: str) -> ColumnElement[bool]:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))

    return search
