"""The language a customer reads the catalog in: the `lang` query parameter, else the
Accept-Language header negotiated among the shop's languages (SHOP_LANGUAGES), else the
default one (the first). Answers say which (`Content-Language`) and that it depends on the
header (`Vary: Accept-Language`)."""

from enum import StrEnum
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Query, Request, Response
from starlette.types import Scope

from app.core.config import settings

LANGUAGES = settings.languages
DEFAULT_LANGUAGE = LANGUAGES[0]
# The languages with translation tables (every one but the default).
TRANSLATED = LANGUAGES[1:]
MAX_HEADER = 500  # an Accept-Language longer than this is read no further

Language = StrEnum("Language", {code: code for code in LANGUAGES})  # type: ignore[misc]
Language.__doc__ = "A language of the shop's catalog."


def negotiate(accept_language: str | None) -> str:
    """The shop's language the header prefers most (RFC 9110 §12.5.4: `ru-RU, en;q=0.8`),
    by primary tag; the default when it names none of them (or only with q=0)."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or "")[:MAX_HEADER].split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        code = DEFAULT_LANGUAGE if primary == "*" else primary
        # Earlier tags win ties: q values equal, the order says the preference.
        if code in LANGUAGES and 0 < q <= 1 and q > best_q:
            best, best_q = code, q
    return best


def language_of(scope: Scope) -> str:
    """The language an HTTP request is answered in, read from its scope (the read cache's
    key): a valid `lang` parameter, else Accept-Language."""
    query: bytes = scope.get("query_string", b"")
    if b"lang=" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "lang" and value in LANGUAGES:
                return value
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    header = next((v for n, v in headers if n == b"accept-language"), b"")
    return negotiate(header.decode("latin-1"))


LANG_DESCRIPTION = (
    "The language of the catalog's texts (names, descriptions, attribute values, terms). "
    "Left out: the best of the Accept-Language header, else the default ("
    + DEFAULT_LANGUAGE
    + "). A text without a translation is shown in the default language."
)

LANGUAGE_HEADERS = {"Vary": "Accept-Language"}


def content_headers(language: str) -> dict[str, str]:
    return {"Content-Language": language, **LANGUAGE_HEADERS}


def request_language(
    request: Request,
    response: Response,
    lang: Annotated[Language | None, Query(description=LANG_DESCRIPTION)] = None,
) -> str:
    language = str(lang) if lang is not None else negotiate(request.headers.get("accept-language"))
    response.headers.update(content_headers(language))
    return language


LanguageDep = Annotated[str, Depends(request_language)]
