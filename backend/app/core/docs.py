"""Swagger UI and ReDoc from our own files (the pinned fastapi-offline wheel ships them), so
the docs work offline and under a CSP that names no other host."""

import base64
import hashlib
import re
from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"
ASSETS_URL = "/api/docs/assets"
ASSETS_DIR = files("fastapi_offline") / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# ReDoc's side menu shows Redocly's logo from their CDN, which our CSP (rightly) blocks and
# reports: the bundle is served with that one address pointing at our own icon instead.
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def _script_hashes(html: str) -> list[str]:
    """CSP sources allowing exactly the page's inline scripts (Swagger UI's start-up call)."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def mount_docs(app: FastAPI) -> str:
    """Serve the docs pages and their assets; returns the CSP for those pages."""
    assert app.openapi_url
    swagger_page = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        # Swagger UI would otherwise ask validator.swagger.io about the schema.
        swagger_ui_parameters={"validatorUrl": None},
    )
    redoc_page = get_redoc_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )
    # Response.body may be a memoryview by its type; these pages are built as bytes.
    swagger, redoc = bytes(swagger_page.body).decode(), bytes(redoc_page.body).decode()

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc_ui() -> HTMLResponse:
        return HTMLResponse(redoc)

    redoc_js = (ASSETS_DIR / "redoc.standalone.js").read_bytes()
    redoc_js = redoc_js.replace(REDOC_CDN_LOGO.encode(), f"{ASSETS_URL}/favicon.png".encode())

    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(
            redoc_js,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")
    scripts = " ".join(["'self'", *_script_hashes(swagger), *_script_hashes(redoc)])
    # Both UIs set style attributes and inject <style> elements; ReDoc searches in a worker
    # it starts from a blob: URL.
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
