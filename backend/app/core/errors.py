"""Domain errors and the RFC 9457 problem+json handlers for every error the app can give."""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.responses import ORJSONResponse

log = structlog.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class AppError(Exception):
    """Base of every domain error: status, stable code and a title."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers
        self.extra = extra


class NotFound(AppError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class Unauthorized(AppError):
    status, code, title = 401, "not_authenticated", "Not authenticated"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Forbidden"


class BadRequest(AppError):
    status, code, title = 400, "bad_request", "Bad request"


class TooManyRequests(AppError):
    status, code, title = 429, "too_many_requests", "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class ServiceUnavailable(AppError):
    status, code, title = 503, "service_unavailable", "Service unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is rendered. Some problems add
    members of their own (e.g. `field`, `parameter`, or the short lines of `out_of_stock`)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    type: str = Field(description="A URI reference naming the problem type")
    title: str
    status: int
    detail: str = Field(description="What went wrong, for people")
    code: str = Field(description="A stable machine-readable code, e.g. `out_of_stock`")
    instance: str | None = Field(None, description="The request path")


class ValidationErrorItem(BaseModel):
    loc: list[str | int] = Field(description='Where: e.g. ["body", "items", 0, "quantity"]')
    msg: str
    type: str = Field(description="A stable error type, e.g. `missing`, `string_too_long`")


class ValidationProblem(Problem):
    """A 422: the request does not match the schema."""

    errors: list[ValidationErrorItem]


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ORJSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return ORJSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _jsonable_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in errors
    ]


async def app_error_handler(request: Request, exc: AppError) -> ORJSONResponse:
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        exc.detail,
        instance=request.url.path,
        headers=exc.headers,
        **exc.extra,
    )


async def validation_error_handler(request: Request, exc: RequestValidationError) -> ORJSONResponse:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return problem_response(
            400,
            "malformed_json",
            "Malformed JSON",
            "The request body is not valid JSON.",
            instance=request.url.path,
        )
    return problem_response(
        422,
        "validation_error",
        "Validation failed",
        "The request does not match the expected schema.",
        instance=request.url.path,
        errors=_jsonable_errors(errors),
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


async def http_error_handler(request: Request, exc: StarletteHTTPException) -> Response:
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = _HTTP_CODES.get(status, phrase.lower().replace(" ", "_"))
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    if status == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405:
        from app.core.openapi import documented_path

        documented = documented_path(request.app, request.url.path)
        if documented is not None:
            allowed = ", ".join(sorted(documented[1] | {"OPTIONS"}))
            headers["Allow"] = allowed
            if request.method == "OPTIONS":  # not a CORS preflight (CORSMiddleware answers those)
                return Response(status_code=204, headers={"Allow": allowed})
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        status,
        code,
        phrase,
        detail,
        instance=request.url.path,
        headers=headers or None,
    )


async def unavailable_handler(request: Request, exc: Exception) -> ORJSONResponse:
    log.warning("dependency_unavailable", error=type(exc).__name__, message=str(exc)[:200])
    return problem_response(
        503,
        "service_unavailable",
        "Service unavailable",
        "A backing service is unreachable; try again shortly.",
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


# PostgreSQL gave up on the transaction because of other ones: deadlock, serialization
# failure, lock or statement timeout. Nothing was written; the same request may well succeed.
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "57014"}


async def db_error_handler(request: Request, exc: DBAPIError) -> ORJSONResponse:
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return await unavailable_handler(request, exc)
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in TRANSIENT_SQLSTATES:
        log.warning("transaction_aborted", sqlstate=sqlstate, path=request.url.path)
        return problem_response(
            503,
            "transaction_aborted",
            "Try again",
            "A concurrent request got in the way and nothing was changed; retry the request.",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )
    if sqlstate == "22003":  # numeric value out of range: a number the schema cannot hold
        return problem_response(
            422,
            "value_out_of_range",
            "Value out of range",
            "A number in the request is larger than the shop can store.",
            instance=request.url.path,
            errors=[{"loc": [], "msg": "Value out of range", "type": "value_out_of_range"}],
        )
    raise exc


def register_error_handlers(app: FastAPI) -> None:
    # FastAPI's decorator form: add_exception_handler's type wants handlers of any Exception,
    # though each is called only with the type it is registered for.
    app.exception_handler(AppError)(app_error_handler)
    app.exception_handler(RequestValidationError)(validation_error_handler)
    app.exception_handler(StarletteHTTPException)(http_error_handler)
    for exc_type in (
        RedisConnectionError,
        RedisTimeoutError,
        PoolTimeoutError,
        ConnectionError,
        TimeoutError,
    ):
        app.exception_handler(exc_type)(unavailable_handler)
    app.exception_handler(DBAPIError)(db_error_handler)


def problem_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the domain errors a route can raise."""
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        entry = out.setdefault(err.status, {"model": Problem, "description": ""})
        entry["description"] = "; ".join(filter(None, [entry["description"], err.title]))
        entry.setdefault("content", {PROBLEM_MEDIA_TYPE: {}})
    return out
