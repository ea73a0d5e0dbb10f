"""`make run` reads the repository's .env (SHOP_ENV_FILE points the dev server at this test's
own), and a variable set in the shell wins over the file.

The file names the suite's PostgreSQL (a database of its own), Redis (a database number of its
own) and mail catcher, so nothing is embedded: what the dev server uses can only have come
from the file. The port, the shop's name and its phone come from the file too; its e-mail
address is set in both, and the shell's is the one the shop shows."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from dev.embedded import free_port
from tests.core.processes import BACKEND_DIR

# What conftest.py sets for the suite: here it must come from the file or be absent.
FROM_THE_FILE = ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "PORT")


@pytest.fixture
def database_url():
    url = make_url(os.environ["DATABASE_URL"]).set(database=f"envfile_{uuid.uuid4().hex[:8]}")
    yield url.render_as_string(hide_password=False)

    async def drop() -> None:
        admin = url.set(drivername="postgresql", database="postgres")
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def test_make_run_takes_port_servers_and_mail_from_env_and_the_shell_wins(
    mail, database_url, tmp_path
):
    port = free_port()
    redis_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/7"
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"PORT={port}\n"
        f"DATABASE_URL={database_url}\n"
        f"REDIS_URL={redis_url}\n"
        f"SMTP_HOST=127.0.0.1\nSMTP_PORT={mail.port}\nSMTP_TLS=false\n"
        "PROJECT_NAME=Env File Books\n"
        "SHOP_PHONE=+1 555 0100\n"
        "SHOP_EMAIL=from-the-file@example.com\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in FROM_THE_FILE}
    env.update(
        SHOP_ENV_FILE=str(env_file),
        SHOP_DATA_DIR=str(tmp_path / "data"),
        SHOP_EMAIL="from-the-shell@example.com",
    )
    log = tmp_path / "devserver.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dev.devserver"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while "The shop is running" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        output = log.read_text()
        assert f"The shop is running at http://127.0.0.1:{port}" in output
        assert "PostgreSQL: using DATABASE_URL" in output
        assert "Redis: using REDIS_URL" in output
        assert "no SMTP_HOST" not in output  # the file's mail server, not a local catcher

        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            info = http.get("/api/v1/info").json()
            assert info["name"] == "Env File Books"
            assert info["contacts"] == {
                "email": "from-the-shell@example.com",
                "phone": "+1 555 0100",
            }
            asked = http.post("/api/v1/auth/password-reset", json={"email": "customer@example.com"})
            assert asked.status_code == 202
        # Sent by the dev server's own worker through the file's SMTP server: the suite's catcher.
        message = mail.wait_for(lambda m: "customer@example.com" in m["To"], timeout=30)
        assert "Env File Books" in message["Subject"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "stopped; nothing left running" in Path(log).read_text()
