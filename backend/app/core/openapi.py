"""The OpenAPI document, made true to what the API answers (the storefront's TypeScript types
are generated from it):

- every error is `application/problem+json` with the `Problem` schema, and 422 is a
  `ValidationProblem` (Problem + `errors: [{loc, msg, type}]`) instead of FastAPI's default;
- the errors any operation can give are listed on it: 400 (malformed JSON, an invalid
  parameter), 401 where a token is read, 413 and 422 where a body or parameters are taken,
  503 where PostgreSQL or Redis are used;
- ids are int64, fields with a default are still required in responses (they are always
  there), and a parameter declared twice keeps its last, more precise declaration;
- the live socket's frames, which no HTTP operation answers, are there as the components
  `ClientFrame` and `ServerFrame` (app/support/protocol.py), for the clients' generated types.
"""

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter

from app.core.errors import Problem, ValidationProblem
from app.core.types import INT64_MAX, INT64_MIN

PROBLEM_MEDIA_TYPE = "application/problem+json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Operations that touch neither PostgreSQL nor Redis (and so never answer 503 for them).
NO_BACKING_SERVICE = {"live"}

COMMON_ERRORS: dict[str, str] = {
    "400": "Malformed JSON body, or a path or query parameter holding a NUL character",
    "401": "Missing, invalid or expired access token",
    "413": "Request body too large",
    "422": "The request does not match the schema; `errors` lists each problem",
    "503": "A backing service (PostgreSQL, Redis) is unavailable; retry after `Retry-After`",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(status: str, description: str) -> dict[str, Any]:
    schema = "ValidationProblem" if status == "422" else "Problem"
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref(schema)}},
    }
    if status in ("429", "503"):
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before retrying",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    if status == "401":
        response["headers"] = {
            "WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}
        }
    return response


def _merge_description(current: str, extra: str) -> str:
    parts = [p for p in (current or "").split("; ") if p and p not in ("Validation Error",)]
    for part in extra.split("; "):
        if part not in parts:
            parts.append(part)
    return "; ".join(parts)


def _int64_ids(node: Any, name: str | None = None) -> None:
    """Integer ids (`id`, `*_id`) are PostgreSQL bigints: format int64, wherever they appear."""
    if isinstance(node, dict):
        if node.get("type") == "integer" and name and (name == "id" or name.endswith("_id")):
            node.setdefault("format", "int64")
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for prop, sub in value.items():
                    _int64_ids(sub, prop)
            elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
                for sub in value:
                    _int64_ids(sub, name)
            elif key == "items":
                _int64_ids(value, name)
            elif isinstance(value, dict | list) and key not in ("properties",):
                _int64_ids(value, None)
    elif isinstance(node, list):
        for item in node:
            _int64_ids(item, None)


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _integer_bounds(node: Any) -> None:
    """FastAPI's OpenAPI model holds bounds as floats: 1 becomes 1.0 and 2^63-1 becomes 2^63.
    Integer schemas get integer bounds back (the 64-bit ones exactly)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in BOUNDS:
                value = node.get(key)
                if isinstance(value, float) and value.is_integer():
                    if abs(value) < 2**53:
                        node[key] = int(value)
                    else:
                        node[key] = INT64_MAX if value > 0 else INT64_MIN
        for value in node.values():
            _integer_bounds(value)
    elif isinstance(node, list):
        for item in node:
            _integer_bounds(item)


def _dedupe_parameters(operation: dict[str, Any]) -> None:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in operation.get("parameters", []):
        seen[(parameter["name"], parameter["in"])] = parameter
    if seen:
        operation["parameters"] = list(seen.values())
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            _int64_ids(parameter["schema"], parameter["name"])


def _refine_operation(operation: dict[str, Any], optional_auth: AbstractSet[str]) -> None:
    _dedupe_parameters(operation)
    if operation.get("operationId") in optional_auth and operation.get("security"):
        # `{}` first: the token is optional (it widens what the caller sees, e.g. admins).
        operation["security"] = [{}, *operation["security"]]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    wanted = {"400": COMMON_ERRORS["400"]}
    if operation.get("security"):
        wanted["401"] = COMMON_ERRORS["401"]
    if operation.get("requestBody"):
        wanted["413"] = COMMON_ERRORS["413"]
    if takes_input:
        wanted["422"] = COMMON_ERRORS["422"]
    if operation.get("operationId") not in NO_BACKING_SERVICE:
        wanted["503"] = COMMON_ERRORS["503"]
    for status, description in wanted.items():
        current = responses.get(status, {}).get("description", "")
        responses[status] = {"description": _merge_description(current, description)}
    for status, response in list(responses.items()):
        if status[0] in "45":
            response.update(_error_response(status, response.get("description") or "Error"))
    operation["responses"] = dict(sorted(responses.items()))


def _add_socket_schemas(
    components: dict[str, Any], socket_schemas: Mapping[str, tuple[TypeAdapter[Any], bool]]
) -> None:
    """Types no HTTP operation answers but clients need (the live socket's frames), added as
    components that share the REST schemas they contain (those already there are kept)."""
    for name, (adapter, sent_by_server) in socket_schemas.items():
        # Validation mode: a server frame model may serialise through a function, which the
        # serialisation schema would show as a bare object.
        schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
        definitions = schema.pop("$defs", {})
        for member in schema.get("oneOf", []):
            frame = definitions.get(member["$ref"].rsplit("/", 1)[-1], {})
            properties = frame.get("properties", {})
            if sent_by_server:
                # A server frame always carries every field; only `ref` may be left out.
                frame["required"] = [key for key in properties if key != "ref"]
            for key, value in properties.items():
                if key not in frame.get("required", ()):
                    value.pop("default", None)  # left out, not sent as its default
        for definition_name, definition in definitions.items():
            components.setdefault(definition_name, definition)
        components[name] = schema


def refine(
    schema: dict[str, Any],
    optional_auth: AbstractSet[str] = frozenset(),
    socket_schemas: Mapping[str, tuple[TypeAdapter[Any], bool]] | None = None,
) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for model in (Problem, ValidationProblem):
        model_schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}", mode="serialization"
        )
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
    _add_socket_schemas(components, socket_schemas or {})
    for path_item in schema.get("paths", {}).values():
        for method in HTTP_METHODS:
            if method in path_item:
                _refine_operation(path_item[method], optional_auth)
    _int64_ids(components)
    _integer_bounds(schema)
    return schema


@lru_cache(maxsize=4)
def _path_templates(app: FastAPI) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    templates = []
    for path, item in app.openapi().get("paths", {}).items():
        operations = [item[m] for m in HTTP_METHODS if m in item]
        # A path parameter every operation takes as an integer routes digits only.
        digits = {
            p["name"]
            for p in operations[0].get("parameters", [])
            if p["in"] == "path"
            and all(
                any(
                    q["name"] == p["name"]
                    and q["in"] == "path"
                    and q["schema"].get("type") == "integer"
                    for q in op.get("parameters", [])
                )
                for op in operations
            )
        }

        def group(match: re.Match[str], digits: set[str] = digits) -> str:
            name = match.group(1)
            return f"(?P<{name}>[0-9]+)" if name in digits else f"(?P<{name}>[^/]+)"

        regex = re.sub(r"\\{(\w+)\\}", group, re.escape(path))
        methods = tuple(m.upper() for m in HTTP_METHODS if m in item)
        templates.append((re.compile(f"^{regex}$"), methods))
    return templates


def documented_path(app: FastAPI, path: str) -> tuple[dict[str, str], set[str]] | None:
    """For a request path: the path parameters of the first documented path it matches, and
    the methods of every documented path it matches; None when it matches none."""
    params: dict[str, str] | None = None
    methods: set[str] = set()
    for template, template_methods in _path_templates(app):
        match = template.match(path)
        if match:
            params = match.groupdict() if params is None else params
            methods.update(template_methods)
    return None if params is None else (params, methods)


def _calls(dependant: Any) -> set[Any]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def optional_auth_operations(app: FastAPI, optional_dependency: Any) -> set[str]:
    """operationIds of the routes whose token is read through `optional_dependency`."""
    return {
        context.operation_id or context.unique_id
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and optional_dependency in _calls(context.dependant)
    }


def install(
    app: FastAPI,
    optional_dependency: Any = None,
    socket_schemas: Mapping[str, tuple[TypeAdapter[Any], bool]] | None = None,
) -> None:
    """Serve the refined document at app.openapi_url (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = refine(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                    servers=app.servers,
                ),
                optional_auth_operations(app, optional_dependency),
                socket_schemas,
            )
        return app.openapi_schema

    # FastAPI's documented way to extend the document: replace the method on the instance.
    app.openapi = openapi  # type: ignore[method-assign]
