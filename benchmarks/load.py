"""The load benchmark (``make bench``): national-scale data, gunicorn with 2 workers, locust.

1. Seeds the national demo data once into ``BENCH_DATABASE_URL`` (default: a SQLite file in
   benchmarks/.cache/, kept between runs).
2. Starts gunicorn (2 workers) on 127.0.0.1 with production settings.
3. For each endpoint in ENDPOINTS, then the floor: locust, headless, 16 users for
   BENCH_SECONDS, closed loop; collects requests, failures, p50/p95/p99 and requests per second.
4. Writes benchmarks/results/load.json (or ``BENCH_RESULTS``) with each endpoint's throughput as
   a share of the floor's.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
#: Where the results go (``BENCH_RESULTS``: another file, for a run on another database).
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "benchmarks" / "results" / "load.json"))
PYTHON = sys.executable
DEMO_PASSWORD = "engage-demo-2026"  # noqa: S105 - the invented demo logins' printed password
USERS = int(os.environ.get("BENCH_USERS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
GOALS = {"p95_ms": 150, "html_share_of_floor": 0.15, "api_share_of_floor": 0.30}


@dataclass(frozen=True)
class Endpoint:
    name: str
    #: A path, or a Django-side expression (see ``resolve_paths``) that gives one.
    path: str
    kind: str  # "html" or "api"
    email: str = ""
    api_user: str = ""


#: The key pages and endpoints. ``{…}`` parts are filled from the benchmark database.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "provider list (filtered)",
        "/market/?locality=mid&service_type=residential&sort=name",
        "html",
        "officer@engage.example",
    ),
    Endpoint("provider page", "/market/providers/{provider_id}/", "html", "officer@engage.example"),
    Endpoint("calendar month", "/engagement/", "html", "officer@engage.example"),
    Endpoint("enquiry queue", "/enquiries/", "html", "officer@engage.example"),
    Endpoint("portal home", "/portal/", "html", "provider@engage.example"),
    Endpoint("group register", "/groups/", "html", "pem@engage.example"),
    Endpoint("forum page", "/groups/{forum_id}/", "html", "pem@engage.example"),
    Endpoint("PEM enquiry overview", "/enquiries/overview/", "html", "pem@engage.example"),
    Endpoint("PEM group standards", "/groups/standards/", "html", "pem@engage.example"),
    Endpoint("PEM feedback overview", "/feedback/", "html", "pem@engage.example"),
    Endpoint("PEM home", "/", "html", "pem@engage.example"),
    Endpoint("audit trail", "/audit/", "html", "pem@engage.example"),
    Endpoint(
        "API providers",
        "/api/providers?locality=mid&page_size=50",
        "api",
        api_user="officer@engage.example",
    ),
    Endpoint("API officers", "/api/officers", "api", api_user="officer@engage.example"),
)
FLOOR = Endpoint("floor (one indexed query)", "/bench/floor/", "html")


def data_version() -> str:
    """A short hash of every migration and demo-data module: the cached database is rebuilt
    when either changes, so the benchmark never measures stale or half-seeded data."""
    import hashlib

    digest = hashlib.sha256()
    sources = sorted(ROOT.glob("engage/*/migrations/*.py")) + sorted(ROOT.glob("engage/**/demo.py"))
    for source in sources:
        digest.update(str(source.relative_to(ROOT)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "engage.settings",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{CACHE / f'national-{data_version()}.sqlite3'}"
            ),
            "ENGAGE_VAR_DIR": str(CACHE / "var"),
            "SECRET_KEY": "benchmark-only-" + "k9Zq2" * 10,
            "DEBUG": "0",
            "SAFEGUARDING_URGENT_ROUTE": "Benchmark: call 999, then the safeguarding line.",
            "SITE_URL": "http://127.0.0.1:8000",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "AXES_FAILURE_LIMIT": "1000",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def _manage(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        text=True,
        capture_output=True,
        check=check,
    )


def prepare_database() -> float:
    """Migrate and seed the national data once; returns seconds spent seeding (0 if cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--no-input")
    started = time.monotonic()
    result = _manage("seed_demo", "--scale", "national", "--once")
    print(result.stdout.strip())
    _manage("collectstatic", "--no-input")
    return 0.0 if "already loaded" in result.stdout else time.monotonic() - started


def resolve_paths() -> dict[str, str]:
    """Ids the paths need, and API tokens, read from the benchmark database."""
    code = r"""
import json
from engage.accounts.models import User
from engage.api.services import create_token
from engage.market.models import Provider
values = {}
values["provider_id"] = Provider.objects.filter(is_tier_one=True).order_by("pk").values_list("pk", flat=True).first()
try:
    from engage.groups.models import EngagementGroup
    values["forum_id"] = EngagementGroup.objects.filter(kind="provider-forum").order_by("pk").values_list("pk", flat=True).first()
except Exception:
    values["forum_id"] = None
values["token:officer@engage.example"] = create_token(user=User.objects.get(email="officer@engage.example"), name="benchmark")[1]
print(json.dumps(values))
"""
    result = _manage("shell", "-c", code)
    return {k: str(v) for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def start_server() -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "engage.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{HOST}/api/health", timeout=1)  # noqa: S310 - our own local server
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def sign_in(email: str) -> str:
    """Sign in through the form once; returns the session cookie's value."""
    import re

    import requests

    session = requests.Session()
    page = session.get(f"{HOST}/accounts/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    session.post(
        f"{HOST}/accounts/sign-in/",
        data={
            "username": email,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{HOST}/accounts/sign-in/"},
        timeout=30,
    )
    cookie = session.cookies.get("sessionid")
    if not cookie:
        raise RuntimeError(f"Could not sign in as {email}")
    return str(cookie)


def check_path(path: str, token: str, session: str) -> int:
    """The status one request to ``path`` gets, as the benchmark's users will send it."""
    import requests

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    cookies = {"sessionid": session} if session else {}
    response = requests.get(
        f"{HOST}{path}", headers=headers, cookies=cookies, timeout=60, allow_redirects=False
    )
    return response.status_code


def run_locust(endpoint: Endpoint, path: str, token: str, session: str) -> dict[str, float]:
    prefix = CACHE / "locust"
    env = _env() | {
        "BENCH_PATH": path,
        "BENCH_NAME": endpoint.name,
        "BENCH_SESSION": session,
        "BENCH_TOKEN": token,
    }
    subprocess.run(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{SECONDS}s",
            "--host",
            HOST,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows.get(endpoint.name)
    if row is None:
        return {
            "requests": 0,
            "failures": -1,
            "p50_ms": 0.0,
            "p95_ms": 0.0,
            "p99_ms": 0.0,
            "requests_per_second": 0.0,
        }
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "requests_per_second": round(float(row["Requests/s"]), 1),
    }


def main() -> None:
    load_before = os.getloadavg()[0]
    seeding = prepare_database()
    values = resolve_paths()
    server = start_server()
    results: dict[str, dict[str, object]] = {}
    sessions: dict[str, str] = {}
    try:
        for endpoint in (FLOOR, *ENDPOINTS):
            try:
                path = endpoint.path.format(**values)
            except KeyError as missing:
                results[endpoint.name] = {"skipped": f"no {missing} in the data"}
                continue
            token = values.get(f"token:{endpoint.api_user}", "") if endpoint.api_user else ""
            print(f"  {endpoint.name}: {path}", flush=True)
            if endpoint.email and endpoint.email not in sessions:
                sessions[endpoint.email] = sign_in(endpoint.email)
            status = check_path(path, token, sessions.get(endpoint.email, ""))
            if status != 200:
                # A wrong path or a broken page is a finding, not a throughput figure.
                results[endpoint.name] = {"path": path, "kind": endpoint.kind, "error": status}
                print(f"    answered {status}: not measured", flush=True)
                continue
            measured = run_locust(endpoint, path, token, sessions.get(endpoint.email, ""))
            results[endpoint.name] = {"path": path, "kind": endpoint.kind, **measured}
    finally:
        server.terminate()
        server.wait(timeout=20)
    floor_rps = float(results[FLOOR.name]["requests_per_second"])  # type: ignore[arg-type]
    for name, result in results.items():
        if "requests_per_second" in result and name != FLOOR.name:
            share = float(result["requests_per_second"]) / floor_rps if floor_rps else 0.0  # type: ignore[arg-type]
            goal = (
                GOALS["api_share_of_floor"]
                if result["kind"] == "api"
                else GOALS["html_share_of_floor"]
            )
            result["share_of_floor"] = round(share, 3)
            result["meets_goals"] = bool(
                result["failures"] == 0
                and float(result["p95_ms"]) <= GOALS["p95_ms"]
                and share >= goal  # type: ignore[arg-type]
            )
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # The benchmark shares the machine with locust itself; a busy machine lowers
            # every figure alike, the floor included.
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "setup": {
            "users": USERS,
            "seconds_per_endpoint": SECONDS,
            "server": "gunicorn, 2 sync workers, production settings (DEBUG off, cached templates)",
            "database": _env()["DATABASE_URL"].split("://")[0],
            "data": "seed_demo --scale national",
            "seeding_seconds_this_run": round(seeding, 1),
        },
        "goals": GOALS,
        "endpoints": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    for name, result in results.items():
        print(
            f"  {name:32} {json.dumps({k: v for k, v in result.items() if k not in ('path', 'kind')})}"
        )


if __name__ == "__main__":
    main()
