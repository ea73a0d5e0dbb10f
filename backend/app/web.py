"""The storefront: the built SPA (frontend/dist) served by the API process.

`/` and every client route answer index.html (revalidated on each visit, so a deploy is seen at
once) with the page's title, description, canonical URL, language alternates, Open Graph tags
and JSON-LD filled in (app.seo), for search engines and link previews that do not run the app.
Vite's hashed `/assets/*` are immutable for a year; a missing one, like any other path that
names a file (`/favicon.ico`, `/logo.png`) that is not there, is a 404, never index.html. The
API, the admin, media, metrics and the API docs are never answered by the SPA. Files are served
precompressed (`name.gz`, written by the build) when the client accepts gzip.
"""

import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from app.core.config import settings
from app.core.errors import NotFound
from app.core.security_headers import DEFAULT_CSP
from app.seo import service as seo_service

mimetypes.add_type("application/manifest+json", ".webmanifest")

# Paths that belong to the server: the SPA route never even matches them, so their own 404 and
# 405 answers (problem+json) stay exactly as they were.
RESERVED_PREFIXES = ("api", "admin", "media", "metrics")
IMMUTABLE = "public, max-age=31536000, immutable"


class SpaPathConvertor(Convertor[str]):
    regex = rf"(?!(?:{'|'.join(RESERVED_PREFIXES)})(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("spa", SpaPathConvertor())


def _file(root: Path, path: str) -> Path | None:
    """The file under `root` for a URL path, or None (never anything outside `root`)."""
    if not path or path.endswith("/"):
        return None
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None
    return candidate


def _send(request: Request, file: Path, cache_control: str) -> Response:
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    compressed = file.with_name(file.name + ".gz")
    if "gzip" in request.headers.get("accept-encoding", "") and compressed.is_file():
        headers["Content-Encoding"] = "gzip"
        return FileResponse(compressed, media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers)


async def serve_spa(request: Request, path: str = "") -> Response:
    root = settings.spa_dir
    if path.startswith("assets/"):
        asset = _file(root, path)
        if asset is None:
            raise NotFound("No such asset.")
        return _send(request, asset, IMMUTABLE)
    # Files at the top of dist/ (favicon.svg, robots.txt): revalidated, they keep their names.
    static = _file(root, path)
    if static is not None and static.name != "index.html" and not static.name.endswith(".gz"):
        return _send(request, static, "no-cache")
    # A path that names a file (it has an extension) and is not one: no page of the app.
    if "." in path.rsplit("/", 1)[-1]:
        raise NotFound("No such file.")
    index = root / "index.html"
    if not index.is_file():
        raise NotFound("The storefront is not built: run `make run` (or `npm run build`).")
    lang = seo_service.wanted_language(request.query_params.get("lang"))
    page_path = "/" + path
    meta = await seo_service.page_meta(page_path, lang)
    html = _read_index(index, index.stat().st_mtime_ns)
    page = seo_service.fill_index(html, meta, page_path, lang)
    headers = {"Cache-Control": "no-cache", "Content-Security-Policy": _page_csp()}
    return HTMLResponse(page, headers=headers)


@lru_cache(maxsize=1)
def _page_csp() -> str:
    """The storefront's policy, with the chat's socket at the public address named: older
    browsers do not count ws(s):// as 'self' (nginx passes this policy on unchanged)."""
    public = urlsplit(settings.frontend_url)
    socket = f"{'wss' if public.scheme == 'https' else 'ws'}://{public.netloc}"
    assert DEFAULT_CSP.endswith("connect-src 'self'")
    return f"{DEFAULT_CSP} {socket}"


@lru_cache(maxsize=4)
def _read_index(index: Path, modified_ns: int) -> str:
    """index.html, read again only when a build replaced it."""
    return index.read_text(encoding="utf-8")


async def sitemap(request: Request) -> Response:
    return Response(
        await seo_service.sitemap_xml(),
        media_type="application/xml",
        headers={"Cache-Control": "no-cache"},
    )


async def robots(request: Request) -> Response:
    return PlainTextResponse(seo_service.robots_txt(), headers={"Cache-Control": "no-cache"})


def mount_spa(app: FastAPI) -> None:
    """Register the SPA's catch-all last, after every other route and mount."""
    for route_path, endpoint in (("/sitemap.xml", sitemap), ("/robots.txt", robots)):
        app.add_api_route(route_path, endpoint, methods=["GET", "HEAD"], include_in_schema=False)
    for route_path in ("/", "/{path:spa}"):
        app.add_api_route(
            route_path, serve_spa, methods=["GET", "HEAD"], include_in_schema=False, name="spa"
        )
