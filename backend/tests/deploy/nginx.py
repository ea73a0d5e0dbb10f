"""Debian's nginx (or the one NGINX names) on the shop's own configuration.

nginx/nginx.conf.template is rendered the way the nginx image renders it at start (each
${SHOP_…} replaced from the environment, nothing else touched), with loopback ports, this
run's folders and the API of the test stack in place of the container's values."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[3]
NGINX_DIR = REPO_DIR / "nginx"
USUAL_PLACES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
PLACEHOLDER = re.compile(r"\$\{(SHOP_[A-Z_]+)\}")


def find_nginx() -> str:
    """NGINX, else the usual places; the suite fails (never skips) without one."""
    candidates = [os.environ.get("NGINX", ""), *USUAL_PLACES, shutil.which("nginx") or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "nginx is needed: `apt-get install -y nginx` (make test does it as root), or NGINX="
    )


def conf_dir(nginx: str) -> Path:
    """Where this nginx keeps mime.types (its --conf-path's folder)."""
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    match = re.search(r"--conf-path=(\S+)", built)
    return Path(match.group(1)).parent if match else Path("/etc/nginx")


def render(values: dict[str, str]) -> str:
    """The template with every ${SHOP_…} replaced, as envsubst does in the image."""
    template = (NGINX_DIR / "nginx.conf.template").read_text()
    names = set(PLACEHOLDER.findall(template))
    assert names == set(values), f"template names {sorted(names)}, given {sorted(values)}"
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Nginx:
    binary: str
    prefix: Path
    http_port: int
    https_port: int
    cert_dir: Path
    status_port: int
    process: subprocess.Popen | None = None

    @property
    def conf(self) -> Path:
        return self.prefix / "conf" / "nginx.conf"

    def args(self, *extra: str, daemon: bool = False) -> list[str]:
        globals_ = f"pid {self.prefix / 'nginx.pid'};" + ("" if daemon else " daemon off;")
        return [self.binary, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr",
                "-g", globals_, *extra]  # fmt: skip

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.args("-t", daemon=True), capture_output=True, text=True)

    def start(self) -> None:
        log = open(self.prefix / "nginx.log", "w")  # noqa: SIM115 (kept open for nginx's life)
        self.process = subprocess.Popen(
            self.args(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.prefix / 'nginx.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not listen in 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful, as `docker stop` asks it
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def prepare(folder: Path, api: str, spa_dir: Path, acme_dir: Path) -> Nginx:
    """The configuration in `folder`, a certificate made by nginx/certificate.sh, free ports."""
    binary = find_nginx()
    conf = folder / "conf"
    (conf / "shop").mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    cert_dir = folder / "certs"
    made = subprocess.run(
        ["sh", str(NGINX_DIR / "certificate.sh")],
        env={**os.environ, "SHOP_CERT_DIR": str(cert_dir), "SHOP_DOMAIN": "localhost"},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    http_port, https_port, status_port = free_port(), free_port(), free_port()
    values = {
        "SHOP_HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "SHOP_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "SHOP_STATUS_LISTEN": f"127.0.0.1:{status_port}",
        "SHOP_API_UPSTREAM": api.removeprefix("http://"),
        "SHOP_RESOLVER": "127.0.0.1",
        "SHOP_CERT_DIR": str(cert_dir),
        "SHOP_SPA_DIR": str(spa_dir),
        "SHOP_ACME_DIR": str(acme_dir),
        "SHOP_PUBLIC_URL": f"https://localhost:{https_port}",
    }
    (conf / "nginx.conf").write_text(render(values))
    for name in ("security-headers.conf", "proxy-headers.conf"):
        shutil.copy(NGINX_DIR / name, conf / "shop" / name)
    shutil.copy(conf_dir(binary) / "mime.types", conf / "mime.types")
    return Nginx(binary, folder, http_port, https_port, cert_dir, status_port)
