"""Real processes for the operations tests: a uvicorn of our own, stopped when done."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from dev.embedded import free_port

BACKEND_DIR = Path(__file__).resolve().parents[2]


def start_uvicorn(
    env: dict[str, str], log_path: Path, *, app: str = "app.main:app", args: tuple = ()
) -> tuple[str, subprocess.Popen]:
    """uvicorn serving `app` on a free loopback port with `env` over ours: (base URL, process)."""
    port = free_port()
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the server's life)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            *args,
        ],
        cwd=BACKEND_DIR,
        env={**os.environ, "PORT": str(port), **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded 2-core machine importing the app alone took 12 s.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited; see {log_path}")
        try:
            if httpx.get(f"{url}/api/v1/health/live", timeout=1).status_code == 200:
                return url, process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_process(process)
    raise RuntimeError(f"uvicorn did not answer in 60 s; see {log_path}")


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_backend(args: list[str], env: dict[str, str]) -> None:
    """A backend command (alembic, the seed) with `env` over ours; raises when it fails."""
    subprocess.run(
        [sys.executable, *args],
        cwd=BACKEND_DIR,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def start_worker(env: dict[str, str], log_path: Path, *args: str) -> subprocess.Popen:
    """A Celery worker of the shop with `env` over ours (its own broker, say)."""
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the worker's life)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "app.worker",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
            *args,
        ],
        cwd=BACKEND_DIR,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
