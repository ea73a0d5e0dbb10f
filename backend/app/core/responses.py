"""orjson-rendered responses for everything that is not a pydantic response_model.

Routes with a response_model are serialised to bytes by pydantic-core directly, which is
as fast; problems and hand-built bodies go through orjson.
"""

import hashlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ORJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def revalidated_json(
    request: Request,
    body: bytes,
    *,
    private: bool,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> Response:
    """`body` (JSON bytes) with a strong ETag; 304 without a body when the client's
    If-None-Match has it. Caches must revalidate every time (`no-cache`): a catalog write
    shows at once. With `language`, the answer is that language's (Content-Language, Vary:
    Accept-Language) and so is its ETag, even where the texts read the same."""
    digest = hashlib.blake2b(body, digest_size=16)
    if language is not None:
        digest.update(b"\0" + language.encode())
    etag = '"' + digest.hexdigest() + '"'
    cache = {
        "ETag": etag,
        "Cache-Control": ("private" if private else "public") + ", no-cache",
        "Vary": "Authorization" if language is None else "Authorization, Accept-Language",
        **({"Content-Language": language} if language is not None else {}),
        **(headers or {}),
    }
    wanted = request.headers.get("if-none-match")
    if wanted and (wanted.strip() == "*" or etag in (t.strip() for t in wanted.split(","))):
        return Response(status_code=304, headers=cache)
    return Response(body, media_type="application/json", headers=cache)
