"""docker-compose.yml, checked without a Docker engine: valid by the compose specification's
schema (check-jsonschema's copy of it), and hardened: every image pinned, every long-running
service with a health check, rotated logs and a memory limit, every secret required, the
consoles behind a login on loopback, every app setting passed on whole (env_file)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_DIR = Path(__file__).resolve().parents[3]
COMPOSE = REPO_DIR / "docker-compose.yml"
# A full version (1.2.3, v1.2.3, 18.6-alpine3.24 is not: two parts) or a digest.
PINNED = re.compile(
    r"^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$"
)
PINNED_BASE = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*@sha256:[0-9a-f]{64}$")
SECRET = re.compile(r"PASSWORD|SECRET|TOKEN")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def one_shot(name: str, services: dict) -> bool:
    """Runs once and exits; the others wait for it to have exited 0."""
    waited_for = any(
        (deps.get(name) or {}).get("condition") == "service_completed_successfully"
        for other in services.values()
        if isinstance(deps := other.get("depends_on"), dict)
    )
    return services[name].get("restart") == "no" and waited_for


def base_images(dockerfile: Path) -> list[str]:
    """The images a Dockerfile builds FROM, with ARG defaults filled in."""
    args, images = {}, []
    for line in dockerfile.read_text().splitlines():
        if match := re.match(r"ARG (\w+)=(\S+)", line):
            args[match[1]] = match[2]
        elif match := re.match(r"FROM (\S+)", line):
            images.append(re.sub(r"\$\{(\w+)\}", lambda m: args[m[1]], match[1]))
    return images


def test_the_file_is_valid_by_the_compose_specification():
    checked = subprocess.run(
        [
            Path(sys.executable).with_name("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok -- validation done" in checked.stdout


def test_every_image_is_pinned(services):
    loose = {}
    for name, service in services.items():
        if "build" in service:
            dockerfile = REPO_DIR / service["build"]["context"] / "Dockerfile"
            loose.update(
                {f"{name} (FROM)": i for i in base_images(dockerfile) if not PINNED_BASE.match(i)}
            )
            assert service["image"].endswith(":local"), name  # built here, never pulled
        elif not PINNED.search(service["image"]):
            loose[name] = service["image"]
    assert loose == {}


def test_every_long_running_service_has_a_health_check(services):
    missing = [
        name
        for name, service in services.items()
        if not (service.get("healthcheck") or {}).get("test")
        or service["healthcheck"].get("disable")
    ]
    assert missing == ["migrate"]  # the one-shot migration: done when it has exited 0
    assert one_shot("migrate", services)


def test_logs_rotate_and_memory_is_limited(services):
    for name, service in services.items():
        logging = service.get("logging") or {}
        assert logging.get("driver") == "json-file", name
        assert {"max-size", "max-file"} <= logging.get("options", {}).keys(), name
        assert service["deploy"]["resources"]["limits"]["memory"], name


def test_every_secret_is_required_and_none_is_written_down():
    text = COMPOSE.read_text()
    for name in {n for n in re.findall(r"(?<!\$)\$\{(\w+)", text) if SECRET.search(n)}:
        uses = re.findall(rf"(?<!\$)\$\{{{name}(:?[?-]|\}})", text)
        assert uses and all(use == ":?" for use in uses), f"{name} is not required everywhere"
    # Nothing like `POSTGRES_PASSWORD: shop` or `GF_SECURITY_ADMIN_PASSWORD: admin`.
    for key, value in re.findall(r"^\s*([A-Z_]*(?:PASSWORD|SECRET)[A-Z_]*):\s*(.+)$", text, re.M):
        assert value.startswith("${") and ":?" in value, f"{key}: {value}"


def test_consoles_need_a_login_and_listen_on_loopback_only(services):
    flower, mailpit, grafana = services["flower"], services["mailpit"], services["grafana"]
    assert flower["profiles"] == ["flower"]  # off unless asked for
    assert ":${FLOWER_PASSWORD:?" in flower["environment"]["FLOWER_BASIC_AUTH"]
    assert ":${MAILPIT_PASSWORD:?" in mailpit["environment"]["MP_UI_AUTH"]
    assert "${GRAFANA_ADMIN_PASSWORD:?" in grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"]
    for name, service in services.items():
        for port in service.get("ports", []):
            if name != "nginx":
                assert port.startswith("127.0.0.1:"), f"{name} publishes {port} to the world"


def test_every_app_setting_reaches_the_backend_whole(services):
    for name in ("migrate", "api", "worker", "beat"):
        assert services[name]["env_file"] == ".env", name
        assert services[name]["environment"]["ENVIRONMENT"] == "production", name
        assert "platform" not in services[name]  # multi-arch image
