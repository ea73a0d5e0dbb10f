"""One rule for the URL: a path or query parameter holding NUL or a lone surrogate is a 400
naming it, before routing, for the API and the admin panel alike (PostgreSQL refuses such text
and a 500 followed)."""

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import problem_response
from app.core.openapi import documented_path
from app.core.types import odd_character_error


def _path_parameter(scope: Scope) -> str:
    """The name of the path parameter that holds the odd text ("path" when none names it)."""
    app = scope.get("app")
    documented = documented_path(app, scope.get("path", "")) if app is not None else None
    if documented is not None:
        for name, value in documented[0].items():
            if odd_character_error(value):
                return name
    return "path"


def odd_parameter(scope: Scope) -> tuple[str, str, str] | None:
    """(location, name, problem) of the first odd parameter of the request, or None."""
    query = scope.get("query_string", b"").decode("latin-1")
    # Decoded as Starlette's QueryParams decodes them, so the check sees what handlers see.
    for key, value in parse_qsl(query, keep_blank_values=True):
        problem = odd_character_error(key) or odd_character_error(value)
        if problem:
            return "query", key, problem
    problem = odd_character_error(scope.get("path", ""))
    if problem:
        return "path", _path_parameter(scope), problem
    return None


class OddParameterMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = odd_parameter(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        location, name, problem = found
        location_field: dict[str, Any] = {"in": location}  # `in` is a keyword
        response = problem_response(
            400,
            "invalid_parameter",
            "Invalid parameter",
            f"The {location} parameter {name!r} {problem}.",
            instance=scope.get("path", "").replace("\x00", "\\0"),
            parameter=name,
            **location_field,
        )
        await response(scope, receive, send)
