"""Writing the translations a payload gives, for any of the catalog's translated rows."""

from typing import Any

from pydantic import BaseModel


def write_translations(owner: Any, data: BaseModel, kind: type[Any]) -> None:
    """The translations the payload gives: a language's text replaced or added, `null`
    removes it, languages left out stay (left out entirely: all stay). `owner.translations`
    is keyed by language; `kind` is its translation model."""
    given: dict[Any, Any] | None = getattr(data, "translations", None)
    if "translations" not in data.model_fields_set or not given:
        return
    translations: dict[str, Any] = owner.translations
    for language, fields in given.items():
        code = str(language)
        if fields is None:
            translations.pop(code, None)
        elif code in translations:
            for field, value in fields.model_dump().items():
                setattr(translations[code], field, value)
        else:
            translations[code] = kind(language=code, **fields.model_dump())
