"""`make run` stops: Ctrl-C and SIGTERM, however many and in whatever order, end every process
it started within the README's 20 s, and the port is free again at once for the next one.

Each test starts its own `python -m dev.devserver` (one data folder for the file, so PostgreSQL
is made and the demo data loaded once) and looks for what is left of it afterwards.
"""

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import pytest

from dev.embedded import free_port
from tests.core.test_devserver import start_devserver, wait_running

STOP_BOUND = 20.0  # README: "stops everything it started within 20 s"


def folder() -> Path:
    return Path(os.environ["SHOP_DATA_DIR"]) / "devserver-stop"


def shop_processes(devserver: subprocess.Popen, data: Path) -> list[psutil.Process]:
    """Every process of the running shop: what the dev server started (the API and its workers,
    the Celery worker and its pool, beat, Redis) and PostgreSQL with its backends."""
    processes = psutil.Process(devserver.pid).children(recursive=True)
    postmaster = psutil.Process(int((data / "pg" / "postmaster.pid").read_text().split()[0]))
    processes += [postmaster, *postmaster.children(recursive=True)]
    return processes


def left_over(processes: list[psutil.Process]) -> list[str]:
    left = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {' '.join(process.cmdline())}")
        except psutil.NoSuchProcess:
            pass
    return left


def kill_all(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            if process.is_running():
                process.kill()
        except psutil.NoSuchProcess:
            pass


def start(port: int) -> tuple[subprocess.Popen, Path]:
    process, log, _ = start_devserver(folder(), port)
    try:
        wait_running(process, log)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, log


def stop_within_bound(
    process: subprocess.Popen, log: Path, send: Callable[[subprocess.Popen], None]
) -> float:
    """Send the signals; assert the dev server and everything it started are gone within the
    bound; return how long that took."""
    processes = shop_processes(process, folder())
    assert any("uvicorn" in " ".join(p.cmdline()) for p in processes)
    assert any("celery" in " ".join(p.cmdline()) for p in processes)
    assert any("redis-server" in " ".join(p.cmdline()) for p in processes)
    started = time.monotonic()
    send(process)
    try:
        process.wait(STOP_BOUND)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        kill_all(processes)
        raise AssertionError(
            f"the dev server did not stop within {STOP_BOUND:.0f} s:\n{log.read_text()[-2000:]}"
        ) from None
    took = time.monotonic() - started
    # Left alone, what it started could still be ending: give it the rest of the bound.
    while left_over(processes) and time.monotonic() - started < STOP_BOUND:
        time.sleep(0.2)
    left = left_over(processes)
    kill_all(processes)
    assert left == [], (
        f"still running {STOP_BOUND:.0f} s after the stop ({took:.1f} s for the dev server):\n"
        + "\n".join(left)
        + f"\n{log.read_text()[-1500:]}"
    )
    assert "stopped; nothing left running" in log.read_text()
    return took


def sigterm_to_the_group_twice(process: subprocess.Popen) -> None:
    # What `kill -TERM -<pgid>` of `make run` does: make forwards it, so it arrives twice.
    os.killpg(process.pid, signal.SIGTERM)
    os.killpg(process.pid, signal.SIGTERM)


def ctrl_c_twice(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    time.sleep(0.2)  # the second lands while the first is being stopped
    process.send_signal(signal.SIGINT)


def ctrl_c_and_sigterm_over_and_over(process: subprocess.Popen) -> None:
    # For 3 s, or until it is gone: a signal that lands while an earlier one is being handled
    # must not hang it (after a second of them, what is left is killed at once).
    end = time.monotonic() + 3
    while time.monotonic() < end:
        try:
            os.kill(process.pid, signal.SIGINT)
            os.kill(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            break
        if process.poll() is not None:  # exited, and reaped: its pid is no longer its own
            break


@pytest.mark.parametrize(
    "send",
    [sigterm_to_the_group_twice, ctrl_c_twice, ctrl_c_and_sigterm_over_and_over],
    ids=["sigterm-to-the-group-twice", "ctrl-c-twice", "many-of-both"],
)
def test_repeated_ctrl_c_or_sigterm_stops_every_process_of_the_shop_within_20_s(send):
    process, log = start(free_port())
    took = stop_within_bound(process, log, send)
    print(f"{send.__name__}: stopped in {took:.1f} s")


def test_a_shop_starts_at_once_on_the_port_of_one_that_just_stopped():
    port = free_port()
    first, log = start(port)
    # A kept-alive connection: the API closes it when it stops, which leaves its end of it
    # (127.0.0.1:port) in TIME_WAIT for a minute.
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        assert http.get("/api/v1/health/ready").status_code == 200
        stop_within_bound(first, log, lambda process: process.send_signal(signal.SIGINT))
    waiting = [
        c
        for c in psutil.net_connections("tcp4")
        if c.laddr and c.laddr.port == port and c.status == psutil.CONN_TIME_WAIT
    ]
    assert waiting, "the stopped shop left no connection in TIME_WAIT: nothing is tested"

    second, log = start(port)
    output = log.read_text()
    assert "is taken" not in output
    assert f"The shop is running at http://127.0.0.1:{port}" in output
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        assert http.get("/api/v1/health/ready").status_code == 200
    stop_within_bound(second, log, lambda process: process.send_signal(signal.SIGINT))


def test_a_make_run_killed_before_does_not_keep_postgresql_running_after_the_next_stop():
    # A `make run` that was kill -9'd never took itself off the library's list of the server's
    # users; the next one must still stop PostgreSQL when it stops.
    gone = subprocess.Popen(["true"])
    gone.wait()
    process, log = start(free_port())
    handles = folder() / "pg" / ".handle_pids.json"
    handles.write_text(json.dumps([*json.loads(handles.read_text()), gone.pid]))
    stop_within_bound(process, log, lambda process: process.send_signal(signal.SIGINT))
