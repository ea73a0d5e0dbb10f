"""What `make run` starts: embedded PostgreSQL and Redis, a mail sink, the API and the worker.

    python -m dev.devserver            # the whole shop; Ctrl-C stops everything it started
    python -m dev.devserver seed       # `make seed`: migrate and load missing demo data

With DATABASE_URL / REDIS_URL / SMTP_HOST set, those are used and nothing is embedded for them.
The servers themselves (dev.embedded) are also what the tests and the benchmarks start.
"""

import atexit
import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import psutil

from dev.embedded import (
    BACKEND_DIR,
    EmbeddedPostgres,
    EmbeddedRedis,
    MailSink,
    Postmaster,
    ensure_database,
    free_port,
    migrate,
)
from dev.mailbox import Mailbox

# The module name in the command line of a running `make run` (running_shop_pid, make clean).
MODULE = "dev.devserver"
DATA_DIR = Path(os.environ.get("SHOP_DATA_DIR", BACKEND_DIR / ".data"))
# How long the processes get to stop on Ctrl-C / SIGTERM before what is left is killed: the
# API, the worker, beat and Redis together, then PostgreSQL. All of it ends within 20 s.
STOP_GRACE = 8.0
PG_STOP_GRACE = 5.0
# A Ctrl-C this long after the first kills what is left at once; sooner, it is the same request
# (SIGTERM to make's process group reaches us twice: once directly, once from make).
ESCALATE_AFTER = 1.0


def say(message: str) -> None:
    print(f"[shop] {message}", flush=True)


# --- The shop -----------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=BACKEND_DIR, env=env, check=True)


class StopRequests:
    """Ctrl-C and SIGTERM. The handler only notes the time (no lock: a second signal may land
    while the first is being handled), and the signal wakes `wait` through a self-pipe."""

    def __init__(self) -> None:
        self.first: float | None = None  # when the first and the latest arrived
        self.latest = 0.0
        self._reader, writer = socket.socketpair()
        self._reader.setblocking(False)
        writer.setblocking(False)
        self._writer = writer  # kept open for as long as this object lives
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        # Two assignments: another signal handled in between changes nothing that matters.
        self.latest = time.monotonic()
        if self.first is None:
            self.first = self.latest

    def requested(self) -> bool:
        return self.first is not None

    def escalated(self) -> bool:
        """Asked again, a while after the first time: kill what is left."""
        return self.first is not None and self.latest - self.first >= ESCALATE_AFTER

    def wait(self, timeout: float) -> None:
        """Sleep up to `timeout` seconds; a signal ends it at once."""
        select.select([self._reader], [], [], max(0.0, timeout))
        with contextlib.suppress(BlockingIOError):
            while self._reader.recv(512):
                pass


def _wait_http(url: str, timeout: float, process: "Process", signals: StopRequests) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None or signals.requested():
            return False
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(  # noqa: S310 (loopback)
                url, timeout=1
            ) as response,
        ):
            if response.status == 200:
                return process.poll() is None
        signals.wait(0.2)
    return False


def port_taken(port: int) -> bool:
    """Something listens on 127.0.0.1:port already (another shop, another server). Asked as
    uvicorn will bind it, with SO_REUSEADDR: the connections of a shop that just stopped
    (TIME_WAIT, up to 60 s) do not count, a listening socket does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    return pid if MODULE.encode() in command.stdout else None


class Process(Protocol):
    """What `Child` watches: a subprocess.Popen, or PostgreSQL's postmaster."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...


class Child:
    """One process `make run` keeps up: restarted with backoff when it dies, and logged."""

    BACKOFF_MAX = 30.0
    STABLE_AFTER = 60.0  # seconds up after which a crash counts as the first again

    def __init__(self, name: str, start: Callable[[], Process]) -> None:
        self.name = name
        self._start = start
        self.process = self._launch()
        self.started_at = time.monotonic()
        self.failures = 0
        self.restart_at: float | None = None

    def _launch(self) -> Process:
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
            # The postmaster is not our child: its exit code is not ours to know.
            ended = (
                "stopped" if isinstance(self.process, Postmaster) else f"exited with code {code}"
            )
            say(f"{self.name} {ended}; restarting it in {delay:.0f} s")
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

    def stop(self, sig: int = signal.SIGTERM) -> None:
        # The whole group, also when its leader is gone already (uvicorn's workers).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def running(self) -> bool:
        return self.restart_at is None and self.process.poll() is None


def _stop_all(children: list[Child], signals: StopRequests, grace: float = STOP_GRACE) -> None:
    """SIGTERM to every child, SIGKILL to what is left after `grace` seconds or at a second
    Ctrl-C; then SIGKILL to each group, so no process it started (a uvicorn worker) stays."""
    for child in children:
        child.stop()
    deadline = time.monotonic() + grace
    while running := [child for child in children if child.running()]:
        if signals.escalated() or time.monotonic() >= deadline:
            for child in running:
                say(f"{child.name} did not stop; killing it")
            break
        signals.wait(0.1)
    for child in children:
        child.stop(signal.SIGKILL)
        if isinstance(child.process, subprocess.Popen):
            child.process.wait()  # reaped; after SIGKILL this does not wait long


def _stop_postgres(pg: EmbeddedPostgres, signals: StopRequests) -> None:
    """pg_ctl stop (fast: open sessions are ended), in a thread so that it cannot hold up the
    end: after PG_STOP_GRACE seconds, or at a second Ctrl-C, the server is shut down at once
    (SIGQUIT: immediate shutdown, recovered from the WAL on the next start), then killed."""
    postmaster = Postmaster(pg.server.get_postmaster_info().pid)
    stopper = threading.Thread(target=pg.stop, daemon=True)
    stopper.start()
    deadline = time.monotonic() + PG_STOP_GRACE
    while stopper.is_alive() and not signals.escalated() and time.monotonic() < deadline:
        signals.wait(0.1)
    if not stopper.is_alive():
        return
    say("PostgreSQL did not stop; shutting it down at once")
    for sig, wait in ((signal.SIGQUIT, 2.0), (signal.SIGKILL, 1.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(postmaster.pid, sig)
        deadline = time.monotonic() + wait
        while postmaster.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    # The pg_ctl still waiting in the thread, and the library's own stop at exit, would wait
    # for a killed server's pid file for a minute.
    atexit.unregister(pg.server._cleanup)
    for process in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def api_env(env: dict[str, str], workers: int, metrics_dir: Path) -> dict[str, str]:
    """The API's environment. With more than one worker, each writes its metrics into
    `metrics_dir` (PROMETHEUS_MULTIPROC_DIR, emptied of the files of processes before: a
    restart starts from nothing) and /metrics adds up every process, as the image does."""
    if workers < 2:
        return env
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()
    return {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}


def uvicorn_args(port: int, forwarded_allow_ips: str, workers: int = 1) -> list[str]:
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
    supervised: list[Child] = []  # the children, and PostgreSQL if embedded
    signals = StopRequests()
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
            stops.append(lambda: _stop_postgres(pg, signals))
            env["DATABASE_URL"] = pg.url("shop")
            say(
                f"PostgreSQL 18 ready on unix socket {pg.socket_dir} "
                f"({time.monotonic() - started:.1f} s)"
            )
            # Restarted like the rest when it stops (the API answers 503 meanwhile). It is
            # stopped last, by pg.stop, which leaves it running for a `make seed` using it
            # (so it is not among `children`, which get SIGTERM).
            supervised.append(Child("postgres", pg.start))
        if signals.requested():
            return 0
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
        if signals.requested():
            return 0

        mailbox: Mailbox | None = None
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
            try:  # next to the shop's port, like Mailpit's 8025 beside 8000
                mailbox = Mailbox(mail_dir, port + 25)
            except OSError:
                mailbox = Mailbox(mail_dir, 0)
            stops.append(mailbox.stop)
            say(
                f"no SMTP_HOST: outgoing mail is caught on 127.0.0.1:{sink.port} "
                f"and saved under {mail_dir}"
            )

        say("applying migrations ...")
        migrate(env, quiet=False)
        _run([python, "-m", "dev.seed", "--if-empty"], env)
        if signals.requested():
            return 0

        say(f"starting the API on http://127.0.0.1:{port} ({settings.web_concurrency} workers) ...")
        workers = settings.web_concurrency
        api_args = uvicorn_args(port, settings.forwarded_allow_ips, workers)
        api = Child(
            "api",
            lambda: subprocess.Popen(
                api_args,
                cwd=BACKEND_DIR,
                env=api_env(env, workers, DATA_DIR / "api-metrics"),
                start_new_session=True,
            ),
        )
        celery = [python, "-m", "celery", "-A", "app.worker"]
        worker = Child(
            "worker", spawn([*celery, "worker", "--concurrency", "2", "--loglevel", "WARNING"])
        )
        # Its own process: exactly one beat, and one that is restarted when it dies.
        schedule = str(DATA_DIR / "celerybeat-schedule")
        beat = Child("beat", spawn([*celery, "beat", "--schedule", schedule, "-l", "WARNING"]))
        children[:0] = [api, worker, beat]  # stopped in this order, Redis (if ours) last
        supervised[:0] = children

        ready = f"http://127.0.0.1:{port}/api/v1/health/ready"
        if not _wait_http(ready, 60, api.process, signals):
            if signals.requested():
                return 0
            say("the API did not become ready; stopping")
            return 1
        say(f"The shop is running at http://127.0.0.1:{port}")
        say(f"  API docs   http://127.0.0.1:{port}/api/docs")
        say(f"  admin      http://127.0.0.1:{port}/admin  (log in as {settings.admin_email})")
        if mailbox is not None:
            say(f"  mail       {mailbox.url}  (every message the shop sent)")
        say("Press Ctrl-C to stop everything.")
        while not signals.requested():
            for child in supervised:
                child.check()
            signals.wait(0.5)
        return 0
    except subprocess.CalledProcessError as exc:
        if signals.requested():  # Ctrl-C reached the step too
            return 0
        say(f"a start-up step failed: {' '.join(map(str, exc.cmd))}")
        return 1
    finally:
        say("stopping ...")
        _stop_all(children, signals)
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
        migrate(env, quiet=False)
        _run([sys.executable, "-m", "dev.seed"], env)
    except subprocess.CalledProcessError:
        return 1  # the step said why (a refused row of the demo data, say)
    finally:
        if pg is not None:
            pg.stop()  # stops the server only if no `make run` holds it
    return 0


if __name__ == "__main__":
    sys.exit(seed() if sys.argv[1:] == ["seed"] else main())
