"""Every constraint a domain maps to an error (its errors.py) exists in the migrated database
under that name: a renamed constraint would otherwise turn a 409 back into a 500."""

import importlib
import pkgutil

from sqlalchemy import text

import app
from app.core.db import engine


def mapped_constraints() -> dict[str, str]:
    """{constraint name: module.mapping} over every app.<domain>.errors module."""
    found: dict[str, str] = {}
    for package in pkgutil.iter_modules(app.__path__):
        try:
            errors = importlib.import_module(f"app.{package.name}.errors")
        except ModuleNotFoundError:
            continue
        for name, value in vars(errors).items():
            if name.endswith("_CONSTRAINTS"):
                for constraint in value:
                    found[constraint] = f"{errors.__name__}.{name}"
    return found


async def test_every_mapped_constraint_exists_in_the_database():
    mapped = mapped_constraints()
    async with engine.connect() as conn:
        constraints = set(await conn.scalars(text("SELECT conname FROM pg_constraint")))
        indexes = set(await conn.scalars(text("SELECT indexname FROM pg_indexes")))
    assert len(mapped) >= 7, mapped
    missing = {name: where for name, where in mapped.items() if name not in constraints | indexes}
    assert missing == {}
