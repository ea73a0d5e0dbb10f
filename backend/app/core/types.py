"""The types every request body is built from, so odd input stops at the edge.

- `Text` (and `Annotated[str, TextLimits(...)]` with limits): a string without NUL or lone
  surrogates, which PostgreSQL refuses (a 500 before). The JSON Schema says so with a pattern.
- `JsonObjectRules`: free-form JSON whose strings are `Text`, whose numbers fit a 64-bit integer's
  range (the JSON encoder and sane clients stop there; NaN and Infinity are refused), nested at
  most `JSON_MAX_DEPTH` levels and at most `max_bytes` long once encoded.
- `Money`: a decimal string such as "12.50", never a JSON number: binary floating point
  cannot carry cents exactly, and the API answers money as decimal strings too.

`InputSchema` (app.core.schemas) refuses to define a field typed as a bare `str` or `Any`,
so a new schema cannot bypass these by accident.
"""

import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import orjson
import phonenumbers
from annotated_types import GroupedMetadata
from fastapi import Path
from pydantic import (
    AfterValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from app.core.money import MONEY_MAX, has_cents_at_most, quantize

ODD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
# ECMA-262 (JSON Schema) form of "no NUL": lone surrogates cannot be written in valid UTF-8.
NO_NUL_PATTERN = r"^[^\u0000]*$"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
JSON_MAX_DEPTH = 4
JSON_NUMBER_LIMIT = 2**63
JSON_MAX_STRING, JSON_MAX_KEY, JSON_MAX_ITEMS = 1000, 100, 100


def odd_character_error(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    match = ODD_CHARACTERS.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return "must not contain a NUL character"
    return "must not contain a lone surrogate (not valid Unicode)"


def refuse_odd_characters(value: str) -> str:
    problem = odd_character_error(value)
    if problem:
        raise PydanticCustomError("string_odd_character", "Text " + problem)
    return value


# Unicode White_Space, what is stripped; spelled out once more for the JSON Schema's regex.
WHITESPACE_CHARS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
WHITESPACE_CLASS = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^\u0000{WHITESPACE_CLASS}][^\u0000]*$"


class CleanText:
    """Annotated marker: refuse NUL and lone surrogates; then `strip` surrounding whitespace
    (limits and patterns apply to the text as sent, so the JSON Schema stays exact) and, when
    `not_blank`, refuse text that was only whitespace."""

    def __init__(self, *, strip: bool = True, not_blank: bool = False) -> None:
        self.strip = strip
        self.not_blank = not_blank

    def _clean(self, value: str) -> str:
        refuse_odd_characters(value)
        stripped = value.strip(WHITESPACE_CHARS)
        if self.not_blank and not stripped:
            raise PydanticCustomError("string_blank", "Text must not be blank")
        return stripped if self.strip else value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._clean, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        target = handler.resolve_ref_schema(json_schema)
        if target.get("type") == "string" and "pattern" not in target and "format" not in target:
            target["pattern"] = NOT_BLANK_PATTERN if self.not_blank else NO_NUL_PATTERN
        return json_schema


Text = Annotated[str, CleanText(strip=False)]


class TextLimits(GroupedMetadata):
    """Annotated marker for text with limits, checked on the text as sent; `min_length` also
    refuses blank text: `Annotated[str, TextLimits(200, min_length=1)]`."""

    def __init__(
        self,
        max_length: int,
        *,
        min_length: int | None = None,
        pattern: str | None = None,
        strip: bool = True,
    ) -> None:
        self.constraints = StringConstraints(
            min_length=min_length, max_length=max_length, pattern=pattern
        )
        self.clean = CleanText(strip=strip, not_blank=bool(min_length))

    def __iter__(self) -> Iterator[object]:
        # Pydantic unpacks one level of grouped metadata: the constraints' own parts, then ours.
        yield from self.constraints
        yield self.clean


# --- phone numbers ------------------------------------------------------------------------

# What the JSON Schema says; which numbers exist is libphonenumber's knowledge, not a regex's.
PHONE_PATTERN = r"^[0-9+()\- .]*$"


def _phone_number(value: str) -> str:
    """ "" (no number), or a number that exists, in international form; kept as written."""
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PydanticCustomError(
            "phone_number",
            "A phone number in international form with its country code, such as +49 30 1234567",
        )
    return value


Phone = Annotated[
    str,
    TextLimits(32, pattern=PHONE_PATTERN),
    AfterValidator(_phone_number),
    Field(description='In international form with the country code (+49 30 1234567); "" for none'),
]


# --- integers ------------------------------------------------------------------------------


def _integral(value: Any) -> Any:
    """A JSON number with nothing after the point (`3.0`) is an integer in JSON Schema."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class WholeNumber:
    """Annotated marker for input integers within bounds: strict (no `"1"`, no `true`), yet
    `3.0` is 3. The bounds live here, in the one core schema, so the JSON Schema keeps them
    exact (as integers) wherever the type is reused."""

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            _integral, core_schema.int_schema(ge=self.minimum, le=self.maximum, strict=True)
        )


Id = Annotated[int, WholeNumber(1, INT64_MAX)]
# A row id in a URL path (`/orders/{order_id}`): every id is a PostgreSQL bigint.
PathId = Annotated[int, Path(ge=1, le=INT64_MAX)]


# --- JSON values ---------------------------------------------------------------------------


def _json_problem(value: Any, depth: int) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > JSON_MAX_STRING:
            return f"strings are at most {JSON_MAX_STRING} characters"
        return odd_character_error(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN and Infinity are not JSON numbers"
    if isinstance(value, int | float):
        # ±2^63, as the schema says it (a double cannot say 2^63 - 1).
        return (
            None
            if -JSON_NUMBER_LIMIT <= value <= JSON_NUMBER_LIMIT
            else "numbers must fit in 64 bits"
        )
    if isinstance(value, list | dict):
        if depth >= JSON_MAX_DEPTH:
            return f"JSON may nest at most {JSON_MAX_DEPTH} levels"
        if len(value) > JSON_MAX_ITEMS:
            return f"at most {JSON_MAX_ITEMS} items or keys in an array or object"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and len(key) > JSON_MAX_KEY:
                return f"keys are at most {JSON_MAX_KEY} characters"
            if isinstance(key, str) and (problem := odd_character_error(key)):
                return f"keys {problem}"
            if problem := _json_problem(item, depth + 1):
                return problem
        return None
    return "only JSON values (object, array, string, number, true, false, null)"


def _json_value_schema(depth: int) -> dict[str, Any]:
    """The JSON Schema of a value nested `depth` levels below the top object."""
    scalars: list[dict[str, Any]] = [
        {"type": "string", "maxLength": JSON_MAX_STRING, "pattern": NO_NUL_PATTERN},
        {"type": "number", "minimum": -JSON_NUMBER_LIMIT, "maximum": JSON_NUMBER_LIMIT},
        {"type": "boolean"},
        {"type": "null"},
    ]
    if depth >= JSON_MAX_DEPTH:
        return {"anyOf": scalars}
    inner = _json_value_schema(depth + 1)
    return {
        "anyOf": [
            *scalars,
            {"type": "array", "items": inner, "maxItems": JSON_MAX_ITEMS},
            {
                "type": "object",
                "additionalProperties": inner,
                "propertyNames": {"maxLength": JSON_MAX_KEY, "pattern": NO_NUL_PATTERN},
                "maxProperties": JSON_MAX_ITEMS,
            },
        ]
    }


class JsonObjectRules:
    """Annotated marker for a free-form JSON object stored as jsonb."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def _check(self, value: dict[str, Any]) -> dict[str, Any]:
        if problem := _json_problem(value, 0):
            raise PydanticCustomError(
                "json_value", "Invalid JSON value: {problem}", {"problem": problem}
            )
        if len(orjson.dumps(value)) > self.max_bytes:
            raise PydanticCustomError(
                "json_too_large",
                "At most {max_bytes} bytes of JSON",
                {"max_bytes": self.max_bytes},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self._check, core_schema.dict_schema(core_schema.str_schema(), core_schema.any_schema())
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "additionalProperties": _json_value_schema(1),
            "propertyNames": {"maxLength": JSON_MAX_KEY, "pattern": NO_NUL_PATTERN},
            "maxProperties": JSON_MAX_ITEMS,
            "description": f"Free-form JSON, nested at most {JSON_MAX_DEPTH} levels, at most "
            f"{self.max_bytes} bytes encoded; numbers within the 64-bit integer range.",
        }


# --- money -----------------------------------------------------------------------------------

MONEY_PATTERN = r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$"
POSITIVE_MONEY_PATTERN = r"^([1-9][0-9]{0,9}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"
SIGNED_MONEY_PATTERN = r"^-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$"


class MoneyRules:
    """Annotated marker: a non-negative amount of at most 10 digits and 2 decimals, written as
    a decimal string; `positive` refuses zero; `signed` takes a negative one too (a price
    change: "-0.30")."""

    def __init__(
        self,
        *,
        positive: bool = False,
        signed: bool = False,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> None:
        self.positive = positive
        self.signed = signed
        self.pattern = (
            POSITIVE_MONEY_PATTERN
            if positive
            else SIGNED_MONEY_PATTERN
            if signed
            else MONEY_PATTERN
        )
        self.minimum = minimum
        self.maximum = maximum

    def _parse(self, value: Any) -> Decimal:
        if isinstance(value, Decimal):  # the admin panel's forms give Decimals
            amount = value
        elif isinstance(value, str) and re.fullmatch(self.pattern, value):
            amount = Decimal(value)
        else:
            raise PydanticCustomError(
                "money",
                'Money is a decimal string such as "12.50": up to 10 digits, no leading zeros, '
                "at most 2 decimals" + (", more than 0" if self.positive else ""),
            )
        lowest = -MONEY_MAX if self.signed else 0
        if not amount.is_finite() or amount < lowest or amount > MONEY_MAX:
            raise PydanticCustomError("money", f"Money is between {lowest} and {MONEY_MAX}")
        if not has_cents_at_most(amount):
            raise PydanticCustomError("money", "Money has at most 2 decimals")
        if self.positive and amount == 0:
            raise PydanticCustomError("money", "The amount must be greater than 0")
        if (self.minimum is not None and amount < self.minimum) or (
            self.maximum is not None and amount > self.maximum
        ):
            raise PydanticCustomError(
                "money_range",
                "The amount must be between {minimum} and {maximum}",
                {"minimum": str(self.minimum or 0), "maximum": str(self.maximum or "")},
            )
        return quantize(amount)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._parse, serialization=core_schema.to_string_ser_schema()
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        bounds = ""
        if self.minimum is not None or self.maximum is not None:
            bounds = f" Between {self.minimum or 0} and {self.maximum or MONEY_MAX}."
        return {
            "type": "string",
            "pattern": self.pattern,
            "examples": ["12.50"],
            "description": 'Money as a decimal string such as "12.50": up to 10 digits and 2 '
            "decimals. A JSON number is refused (binary floating point cannot hold cents)."
            + bounds,
        }


Money = Annotated[Decimal, MoneyRules()]
PositiveMoney = Annotated[Decimal, MoneyRules(positive=True)]
SignedMoney = Annotated[Decimal, MoneyRules(signed=True)]
