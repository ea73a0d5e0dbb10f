"""monitoring/: Prometheus's configuration and alert rules (promtool check and unit tests),
Alertmanager's configuration as the container renders it (amtool), Grafana's provisioning and
dashboards, and every metric a dashboard or rule asks for exists in a live scrape of the shop
(API and worker) or of the exporters the compose stack runs (Debian's builds of them, on this
run's PostgreSQL, Redis and nginx).

promtool, amtool and the exporters come from Debian's packages (`make test` installs them as
root); the suite fails, never skips, without them."""

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy.engine import make_url

from app.core.config import settings
from dev.embedded import free_port
from tests.deploy import nginx as nginx_helper
from tests.factories import create_user, login

REPO_DIR = Path(__file__).resolve().parents[3]
MONITORING = REPO_DIR / "monitoring"
DASHBOARDS = MONITORING / "grafana" / "dashboards"
PROVISIONING = MONITORING / "grafana" / "provisioning"
INSTALL = (
    "apt-get install -y --no-install-recommends prometheus prometheus-alertmanager "
    "prometheus-postgres-exporter prometheus-redis-exporter prometheus-nginx-exporter "
    "prometheus-node-exporter"
)
# PromQL words that look like names but are not metrics.
KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "inf", "nan",
}  # fmt: skip


def tool(name: str, env: str | None = None) -> str:
    """`env`'s path, else the usual places; the test fails (never skips) without one."""
    candidates = [os.environ.get(env, "") if env else "", f"/usr/bin/{name}",
                  f"/usr/local/bin/{name}", shutil.which(name) or ""]  # fmt: skip
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(f"{name} is needed: {INSTALL} (make test does it as root)")


def run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


# --- Prometheus -------------------------------------------------------------------------------


def test_prometheus_config_is_valid(tmp_path):
    # As mounted in the container: the rules beside it, the token file Compose makes.
    for name in ("prometheus.yml", "alerts.yml"):
        shutil.copy(MONITORING / name, tmp_path / name)
    (tmp_path / "metrics-token").write_text("a-token\n")
    out = run(tool("promtool", "PROMTOOL"), "check", "config", tmp_path / "prometheus.yml")
    assert "SUCCESS" in out and "1 rule files found" in out


def test_every_scrape_target_is_a_compose_service():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    services = yaml.safe_load((REPO_DIR / "docker-compose.yml").read_text())["services"]
    hosts = {
        target.split(":")[0]
        for job in config["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static["targets"]
    } | {name for job in config["scrape_configs"] for sd in job.get("dns_sd_configs", [])
         for name in sd["names"]}  # fmt: skip
    assert hosts - {"localhost"} <= services.keys()
    worker_env = services["worker"]["environment"]
    worker_job = next(j for j in config["scrape_configs"] if j["job_name"] == "shop-worker")
    assert str(worker_job["dns_sd_configs"][0]["port"]) == worker_env["WORKER_METRICS_PORT"]


def test_alert_rules_are_valid_and_pass_their_unit_tests():
    promtool = tool("promtool", "PROMTOOL")
    assert "SUCCESS" in run(promtool, "check", "rules", MONITORING / "alerts.yml")
    out = run(promtool, "test", "rules", "alerts.test.yml", cwd=MONITORING)
    assert "SUCCESS" in out


def rules() -> list[dict]:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_every_alert_has_a_severity_a_summary_and_a_runbook_line_and_a_unit_test():
    tested = {
        case["alertname"]
        for test in yaml.safe_load((MONITORING / "alerts.test.yml").read_text())["tests"]
        for case in test["alert_rule_test"]
        if case["exp_alerts"]
    }
    for rule in rules():
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], rule["alert"]
        assert annotations["runbook"].strip(), rule["alert"]
        assert rule["alert"] in tested, f"{rule['alert']} fires in no unit test"
    asked_for = {
        "ApiDown", "WorkerDown", "ApiErrorRatioHigh", "ApiLatencyP99High", "DbPoolSaturated",
        "QueueBacklog", "DeadMails", "WebhookRejectionsSpiking", "NoOrdersDuringOpeningHours",
        "DiskNearlyFull",
    }  # fmt: skip
    assert asked_for <= {rule["alert"] for rule in rules()}


# --- Alertmanager -----------------------------------------------------------------------------


def render_alertmanager(tmp_path: Path, env: dict[str, str]) -> Path:
    """The configuration as the container makes it at start (render.sh from its environment)."""
    rendered = subprocess.run(
        ["sh", str(MONITORING / "alertmanager" / "render.sh")],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
    )
    assert rendered.returncode == 0, rendered.stderr
    path = tmp_path / "alertmanager.yml"
    path.write_text(rendered.stdout)
    return path


def test_alertmanager_mails_alerts_through_the_shops_smtp_settings(tmp_path):
    path = render_alertmanager(
        tmp_path,
        {
            "SMTP_HOST": "smtp.example.net",
            "SMTP_PORT": "587",
            "SMTP_USER": "shop",
            "SMTP_PASSWORD": 'it\'s "quoted" \\ & /odd',
            "SMTP_TLS": "true",
            "MAIL_FROM": "shop@example.net",
            "ADMIN_EMAIL": "admin@example.net",
            "ALERT_EMAIL": "owner@example.net",
        },
    )
    assert "SUCCESS" in run(tool("amtool"), "check-config", path)
    config = yaml.safe_load(path.read_text())
    assert config["global"] == {
        "smtp_smarthost": "smtp.example.net:587",
        "smtp_from": "shop@example.net",
        "smtp_auth_username": "shop",
        "smtp_auth_password": 'it\'s "quoted" \\ & /odd',
        "smtp_require_tls": True,
    }
    receiver = next(r for r in config["receivers"] if r["name"] == config["route"]["receiver"])
    assert receiver["email_configs"][0]["to"] == "owner@example.net"


def test_alertmanager_defaults_to_mailpit_and_the_admin(tmp_path):
    path = render_alertmanager(tmp_path, {"ADMIN_EMAIL": "admin@example.net"})
    assert "SUCCESS" in run(tool("amtool"), "check-config", path)
    config = yaml.safe_load(path.read_text())
    assert config["global"]["smtp_smarthost"] == "mailpit:1025"
    assert config["global"]["smtp_require_tls"] is False
    assert config["receivers"][0]["email_configs"][0]["to"] == "admin@example.net"


# --- Grafana ----------------------------------------------------------------------------------


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict) -> Iterator[dict]:
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            yield from panel.get("panels", [])
        else:
            yield panel


def test_grafana_provisioning_parses_and_points_at_the_mounted_folders():
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "dashboards.yml").read_text())
    grafana = yaml.safe_load((REPO_DIR / "docker-compose.yml").read_text())["services"]["grafana"]
    mounts = dict(volume.split(":")[:2] for volume in grafana["volumes"])
    assert mounts["./monitoring/grafana/dashboards"] == providers["providers"][0]["options"]["path"]
    assert datasources["datasources"][0]["url"] == "http://prometheus:9090"
    uid = datasources["datasources"][0]["uid"]
    for name, dashboard in dashboards().items():
        for panel in panels(dashboard):
            assert panel["datasource"]["uid"] == uid, (name, panel["title"])
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == uid, (name, panel["title"])


def test_the_four_dashboards_every_panel_with_a_unit_and_a_description():
    boards = dashboards()
    assert {b["title"] for b in boards.values()} == {
        "Shop", "Shop API", "Shop worker", "Shop data"
    }  # fmt: skip
    assert len({b["uid"] for b in boards.values()}) == len(boards)
    for name, dashboard in boards.items():
        assert dashboard["description"], name
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in panels(dashboard):
            where = f"{name}: {panel['title']}"
            assert panel["description"].strip(), where
            assert panel["fieldConfig"]["defaults"]["unit"], where
            assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"]), where


# --- every metric asked for exists ------------------------------------------------------------


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: the identifiers left once strings, label
    matchers, ranges, grouping clauses, functions, keywords and numbers are taken out."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\$\w+", " ", expr)
    expr = re.sub(r"(?<![\w:])\d+(\.\d+)?([eE][+-]?\d+)?", " ", expr)
    expr = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr, flags=re.I
    )
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[match.end() :].lstrip()
        word = match.group(0)
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def test_metric_names_are_read_from_promql():
    assert metric_names(
        "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket"
        '{job="shop-api", status=~"5.."}[$__rate_interval]))) / ignoring(outcome) group_left '
        'clamp_min(sum(up{job="x"} == 1) or vector(0), 1e-9) and on () hour() >= 8'
    ) == {"http_request_duration_seconds_bucket", "up"}


def exprs() -> dict[str, str]:
    found = {f"alerts.yml: {rule['alert']}": rule["expr"] for rule in rules()}
    for name, dashboard in dashboards().items():
        for panel in panels(dashboard):
            for target in panel["targets"]:
                found[f"{name}: {panel['title']} {target['refId']}"] = target["expr"]
    return found


def exposed(page: str) -> set[str]:
    """Every series name a /metrics page offers: its samples' names, and each family's (from
    its TYPE line) even before it has a sample. Read from the text as written: the client
    library's parser would add `_total` to an exporter's counter that has none."""
    names = set()
    for line in page.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            suffixes = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}
            names |= {name, *(name + suffix for suffix in suffixes.get(kind.strip(), ()))}
        elif line and not line.startswith("#"):
            names.add(line.split("{", 1)[0].split()[0])
    return names


def serve(args: list[str], port: int, log: Path, env: dict[str, str] | None = None) -> str:
    """Start an exporter; its /metrics page once it answers (the process is stopped after)."""
    with log.open("w") as out:
        process = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
                if response.status_code == 200:
                    return response.text
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{args[0]} did not answer: {log.read_text()}")
    finally:
        process.terminate()
        process.wait(10)


def postgres_exporter(folder: Path) -> str:
    url = make_url(settings.database_url)
    dsn = " ".join(
        f"{key}={value}"
        for key, value in {
            "host": url.query.get("host") or url.host or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username or "postgres",
            "dbname": url.database,
            "sslmode": "disable",
        }.items()
    )
    port = free_port()
    page = serve(
        [tool("prometheus-postgres-exporter"), f"--web.listen-address=127.0.0.1:{port}"],
        port,
        folder / "postgres-exporter.log",
        {"DATA_SOURCE_NAME": dsn, **({"PGPASSWORD": url.password} if url.password else {})},
    )
    assert re.search(r"^pg_up 1", page, re.M), page[-2000:]
    return page


def redis_exporter(folder: Path) -> str:
    port = free_port()
    page = serve(
        [tool("prometheus-redis-exporter"), "-redis.addr", settings.redis_url,
         "-web.listen-address", f"127.0.0.1:{port}"],
        port,
        folder / "redis-exporter.log",
    )  # fmt: skip
    assert re.search(r"^redis_up 1", page, re.M), page[-2000:]
    return page


def nginx_exporter(folder: Path, api_server: str) -> str:
    server = nginx_helper.prepare(folder / "nginx", api_server, folder, folder)
    server.start()
    try:
        status = httpx.get(f"http://127.0.0.1:{server.status_port}/stub_status", timeout=5)
        assert status.status_code == 200 and "Active connections" in status.text
        port = free_port()
        page = serve(
            [tool("prometheus-nginx-exporter"),
             "-nginx.scrape-uri", f"http://127.0.0.1:{server.status_port}/stub_status",
             "-web.listen-address", f"127.0.0.1:{port}"],
            port,
            folder / "nginx-exporter.log",
        )  # fmt: skip
    finally:
        server.stop()
    assert re.search(r"^nginx_up 1", page, re.M), page[-2000:]
    return page


def node_exporter(folder: Path) -> str:
    port = free_port()
    return serve(
        [tool("prometheus-node-exporter"), f"--web.listen-address=127.0.0.1:{port}"],
        port,
        folder / "node-exporter.log",
    )


async def test_every_metric_a_dashboard_or_rule_names_is_exposed(
    tmp_path, api_server, worker_metrics_url, mail, client
):
    # Real traffic first, so the worker's files hold its task and mail series.
    await create_user(email="scraped@example.com", username="scraped", verified=False)
    registered = await client.post(
        "/api/v1/auth/resend-verification", json={"email": "scraped@example.com"}
    )
    assert registered.status_code == 202
    await asyncio.to_thread(mail.wait_for, lambda m: "scraped@example.com" in m["To"], 30)
    user = await create_user(username="scraper")
    await login(client, user.username)

    async with httpx.AsyncClient(timeout=10) as http:
        pages = {"api": (await http.get(f"{api_server}/metrics")).text, "worker": ""}
        deadline = time.monotonic() + 15
        while "shop_mails_total" not in pages["worker"] and time.monotonic() < deadline:
            pages["worker"] = (await http.get(worker_metrics_url)).text
            await asyncio.sleep(0.2)
    pages["postgres"] = await asyncio.to_thread(postgres_exporter, tmp_path)
    pages["redis"] = await asyncio.to_thread(redis_exporter, tmp_path)
    pages["nginx"] = await asyncio.to_thread(nginx_exporter, tmp_path, api_server)
    pages["node"] = await asyncio.to_thread(node_exporter, tmp_path)
    # `up` is Prometheus's own, for every target it scrapes.
    known = {"up"}.union(*(exposed(page) for page in pages.values()))
    assert "shop_mails_total" in exposed(pages["worker"])
    assert "shop_celery_queue_length" in exposed(pages["worker"])

    unknown = {
        where: sorted(metric_names(expr) - known)
        for where, expr in exprs().items()
        if metric_names(expr) - known
    }
    assert unknown == {}
    # And the check has teeth: every panel and rule names at least one metric.
    assert all(metric_names(expr) for expr in exprs().values())
