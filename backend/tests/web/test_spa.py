"""The storefront as the API process serves it: client routes, hashed assets, reserved paths."""

import gzip

import pytest

from app.core.config import settings

INDEX = "<!doctype html><html><head><title>Shop</title></head><body><div id=root></div></body>"
BUNDLE = "console.log('storefront');" * 50


@pytest.fixture
def dist(tmp_path, monkeypatch):
    """A built storefront as `vite build` leaves it (with the .gz twins it writes)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-AbC123.js").write_text(BUNDLE)
    (tmp_path / "assets" / "index-AbC123.js.gz").write_bytes(gzip.compress(BUNDLE.encode()))
    (tmp_path / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    monkeypatch.setattr(settings, "spa_dir", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/catalog",
        "/catalog/fiction?q=sea&page=2",
        "/products/some-book",
        "/verify-email?token=x",
        "/reset-password?token=y",
        "/orders/12",
        "/stores/1",
    ],
)
async def test_every_client_route_gets_index_html_revalidated(client, dist, path):
    response = await client.get(path)
    assert response.status_code == 200
    # index.html, with the page's meta tags added to its <head> (tests/web/test_page_meta.py)
    assert response.text.startswith("<!doctype html><html><head><title>Shop</title>")
    assert response.text.endswith("</head><body><div id=root></div></body>")
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_asset_is_immutable_for_a_year(client, dist):
    response = await client.get("/assets/index-AbC123.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.text == BUNDLE
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]


async def test_asset_is_sent_gzipped_when_the_client_accepts_it(client, dist):
    response = await client.get("/assets/index-AbC123.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert response.text == BUNDLE  # httpx decodes it


@pytest.mark.parametrize("path", ["/assets/index-Old999.js", "/assets/", "/assets/css/missing.css"])
async def test_missing_asset_is_a_404_never_index_html(client, dist, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert INDEX not in response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_top_level_files_are_served_as_themselves(client, dist):
    response = await client.get("/robots.txt")
    assert response.status_code == 200
    assert response.text.startswith("User-agent")
    assert response.headers["cache-control"] == "no-cache"


async def test_a_path_that_leaves_the_dist_folder_is_a_404(client, dist, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("the secret itself")
    response = await client.get(f"/..%2F{outside.parent.name}%2Fsecret.txt")
    assert response.status_code == 404
    assert "the secret itself" not in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/nope", 404),
        ("/api", 404),
        ("/api/v1/health/live", 200),
        ("/admin/nope", 404),
        ("/media/nope.jpg", 404),
        ("/api/openapi.json", 200),
    ],
)
async def test_reserved_paths_are_never_answered_by_the_spa(client, dist, path, status):
    response = await client.get(path)
    assert response.status_code == status
    assert INDEX not in response.text


async def test_api_docs_stay_the_api_docs(client, dist):
    response = await client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
    assert INDEX not in response.text


async def test_metrics_stays_the_metrics_endpoint(client, dist):
    response = await client.get("/metrics")
    assert INDEX not in response.text
    assert response.status_code in (200, 401, 403, 404)
    if response.status_code == 200:
        assert "http_request" in response.text or "python_info" in response.text


async def test_a_wrong_method_on_an_api_path_still_answers_405(client, dist):
    response = await client.put("/api/v1/products")
    assert response.status_code == 405


async def test_an_unknown_api_path_with_post_is_still_404(client, dist):
    response = await client.post("/api/v1/nope", json={})
    assert response.status_code == 404


async def test_without_a_build_the_root_says_how_to_build_it(client, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "spa_dir", tmp_path / "missing")
    response = await client.get("/")
    assert response.status_code == 404
    assert "make run" in response.json()["detail"]
