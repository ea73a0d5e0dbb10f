""".env.example tells the truth: every setting of the app is in it, nothing else is in its app
part, the values it shows are the defaults, and its compose part lists exactly the variables
the stack reads (docker-compose.yml, and backup/*.sh through the backup service)."""

import re
from pathlib import Path

from app.core.config import Settings

REPO_DIR = Path(__file__).resolve().parents[3]
EXAMPLE = REPO_DIR / ".env.example"
# `NAME=value` or `# NAME=value` (commented: the default applies); prose never starts that way.
LINE = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$")
# ${NAME}, ${NAME:-…}, ${NAME:?…}; $$NAME is the container's own variable, not Compose's.
REFERENCE = re.compile(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)")


def example() -> tuple[dict[str, str], dict[str, str]]:
    """(the app's part, the compose stack's part): name -> the value shown."""
    parts: tuple[dict[str, str], dict[str, str]] = ({}, {})
    part = parts[0]
    for line in EXAMPLE.read_text().splitlines():
        if line.startswith("# ===") and "compose stack" in line:
            part = parts[1]
        if match := LINE.match(line):
            name, value = match.groups()
            assert all(name not in p for p in parts), f"{name} is listed twice"
            part[name] = value
    return parts


def stack_variables() -> set[str]:
    names = set(REFERENCE.findall((REPO_DIR / "docker-compose.yml").read_text()))
    for script in (REPO_DIR / "backup").glob("*.sh"):
        names |= {n for n in REFERENCE.findall(script.read_text()) if n.startswith("BACKUP_")}
    # Fixed by docker-compose.yml (and by `make backup`): not a setting of the shop owner's.
    return names - {"BACKUP_DIR"}


def test_every_setting_of_the_app_is_listed_and_nothing_else():
    app, _ = example()
    fields = {name.upper() for name in Settings.model_fields}
    assert sorted(fields - app.keys()) == [], "settings missing from .env.example"
    assert sorted(app.keys() - fields) == [], ".env.example lists settings the app does not have"


def test_the_values_shown_are_the_defaults():
    app, _ = example()
    wrong = {}
    for name, shown in app.items():
        if not shown:
            continue  # unset, or a default the comment above it describes
        field = name.lower()
        default = Settings.model_fields[field].default
        value = getattr(Settings(_env_file=None, **{field: shown}), field)
        if value != default:
            wrong[name] = (shown, default)
    assert wrong == {}, "shown value != the app's default"


def test_the_compose_part_lists_exactly_what_the_stack_reads():
    app, stack = example()
    read = stack_variables()
    assert sorted(read - app.keys() - stack.keys()) == [], "read by the stack, not in .env.example"
    assert sorted(stack.keys() - read) == [], "in .env.example, read by nothing"
