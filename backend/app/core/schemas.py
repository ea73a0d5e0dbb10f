"""Schema bases: reads come from ORM objects; inputs are strict and refuse unknown fields.

Input numbers and booleans are strict (`"1"` or `true` is no quantity); a field that should
take text in another form opts out with `Field(strict=False)` (enums by value, say). Strings
are `app.core.types.Text`: a field typed as a bare `str` or `Any` is a TypeError at import.
"""

import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, EmailStr, Field, create_model

from app.core.types import CleanText, JsonObjectRules, MoneyRules, TextLimits, WholeNumber

_CHECKED_MARKERS = (CleanText, JsonObjectRules, MoneyRules, TextLimits, WholeNumber)


class Schema(BaseModel):
    # A field with a default is still always in a response, so the OpenAPI marks it required.
    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


def _unchecked(annotation: Any, metadata: list[Any]) -> str | None:
    """The bare type hiding in `annotation` (a str or Any without the edge checks), if any."""
    if any(isinstance(m, _CHECKED_MARKERS) for m in metadata):
        return None
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return _unchecked(inner, [*metadata, *extra])
    if annotation in (str, int, EmailStr) or annotation is Any:
        return getattr(annotation, "__name__", str(annotation))
    if origin is typing.Literal:
        return None
    if origin in (Union, types.UnionType, list, dict, tuple, set, frozenset):
        for arg in get_args(annotation):
            if arg is not Ellipsis and (found := _unchecked(arg, [])):
                return found
    return None


class InputSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if bare := _unchecked(field.annotation, list(field.metadata)):
                raise TypeError(
                    f"{cls.__name__}.{name} is a bare {bare}: use app.core.types (Text, "
                    "TextLimits(...), WholeNumber(...), Id, JsonObjectRules(...), Money) so odd "
                    "input stops at the edge"
                )


class PatchSchema(InputSchema):
    """Base of PATCH bodies (see `patch_of`): a left-out field keeps its value."""

    model_config = ConfigDict(json_schema_extra=lambda schema, model: _drop_null_defaults(schema))


PatchModel = TypeVar("PatchModel", bound=PatchSchema)


def patch_of(model: type[InputSchema]) -> Callable[[type[PatchModel]], type[PatchModel]]:
    """Class decorator: the PATCH body made from `model`, under the decorated class's name and
    docstring. Every field may be left out (then it is unchanged); `null` is accepted only where
    `model` itself accepts it, so `{"name": null}` is a 422 rather than an attempt to blank a
    required column."""

    def build(declared: type[PatchModel]) -> type[PatchModel]:
        fields: dict[str, Any] = {}
        for field_name, field in model.model_fields.items():
            annotation = (
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            )
            fields[field_name] = (annotation, Field(None, description=field.description))
        return create_model(
            declared.__name__,
            __base__=declared,
            __doc__=declared.__doc__
            or f"Fields of {model.__name__}; the ones left out stay as they are.",
            __module__=declared.__module__,
            **fields,
        )

    return build


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    """`default: null` on a field that cannot be null would tell clients to send null."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None and not _nullable(prop):
            del prop["default"]


def _nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(
        option.get("type") == "null" for option in prop.get("anyOf", [])
    )
