"""`make load`: twenty signed-in members for sixty seconds, and thirty simultaneous sign-ins
from different addresses, against gunicorn on the large demo chamber (issue 12, "Load").

    make load                                  # seeds the large demo chamber first (~3 min)
    make load LOAD_DATABASE=/path/large.sqlite3  # or copies an already seeded SQLite file

gunicorn runs as the README's production section says (2 workers on this 2-core machine),
with TRUSTED_PROXIES=1 so that each simulated person's X-Forwarded-For address counts as
their own. Locust (security/locustfile.py) drives it. Prints the requests, failures, median
and 99th percentile of each phase, writes security/reports/load.json, and exits 1 on any
failed request or any 5xx in the server's log.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from security.scan import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORTS = ROOT / "security" / "reports"
PASSWORD = "chamber-demo"  # the documented password of the demo accounts
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _environment(folder: Path, base: str) -> dict[str, str]:
    return {
        **os.environ,
        "CHAMBER_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'chamber.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "MAIL_SERVER": "",
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "CHAMBER_BASE_URL": base,
        "TRUSTED_PROXIES": "1",
    }


def _accounts(database: Path, folder: Path, count: int) -> Path:
    """Active members who are not staff (staff must use two-factor sign-in)."""
    with sqlite3.connect(database) as connection:
        emails = [
            row[0]
            for row in connection.execute(
                "SELECT email FROM members WHERE NOT is_staff AND NOT is_deactivated "
                "AND password_hash IS NOT NULL ORDER BY id LIMIT ?",
                (count,),
            )
        ]
    path = folder / "accounts.txt"
    path.write_text("\n".join(emails))
    return path


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def _sign_in_burst(base: str, accounts: list[str], count: int) -> dict:
    """`count` people press "Sign in" at the same moment, each from their own address."""
    barrier = threading.Barrier(count)

    def sign_in(number: int) -> tuple[int, float]:
        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"203.0.113.{number + 1}"
        form = session.get(f"{base}/login", timeout=120)
        token = _CSRF.search(form.text).group(1)
        barrier.wait()
        started = time.monotonic()
        answer = session.post(
            f"{base}/login",
            data={"email": accounts[number], "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=120,
        )
        signed_in = answer.status_code == 302 and session.get(
            f"{base}/dashboard", timeout=120
        ).status_code == 200
        return (200 if signed_in else answer.status_code), time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(sign_in, range(count)))
    times = sorted(seconds for _, seconds in results)
    failures = [status for status, _ in results if status != 200]
    return {
        "phase": "sign-in-burst",
        "users": count,
        "seconds": round(time.monotonic() - started, 1),
        "requests": count,
        "failures": len(failures),
        "requests_per_s": round(count / (time.monotonic() - started), 1),
        "median_ms": int(times[len(times) // 2] * 1000),
        "p99_ms": int(times[-1] * 1000),
        "sign_ins": count - len(failures),
        "failure_kinds": [f"sign-in answered {status}" for status in failures],
        "locust_exit": 0,
    }


def _phase(name: str, user_class: str, users: int, seconds: int, env: dict, folder: Path) -> dict:
    prefix = folder / name
    started = time.monotonic()
    result = subprocess.run(  # fixed arguments, no shell
        [
            str(BIN / "locust"), "-f", str(ROOT / "security" / "locustfile.py"), user_class,
            "--headless", "--users", str(users), "--spawn-rate", str(users),
            "--run-time", f"{seconds}s", "--host", env["CHAMBER_BASE_URL"],
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )
    (folder / f"{name}.log").write_text(result.stdout + result.stderr)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = [f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
                    for row in csv.DictReader(handle)]
    return {
        "phase": name,
        "users": users,
        "seconds": round(time.monotonic() - started, 1),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "median_ms": int(float(total["50%"])) if total["50%"] != "N/A" else None,
        "p99_ms": int(float(total["99%"])) if total["99%"] != "N/A" else None,
        "sign_ins": int(rows.get("/login (post)", {}).get("Request Count", 0)),
        "failure_kinds": failures,
        "locust_exit": result.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, help="an already seeded large SQLite file")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--burst", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="chamber-load-"))
    port = free_port()
    env = _environment(folder, f"http://127.0.0.1:{port}")
    flask = [str(BIN / "flask"), "--app", "chamber"]
    if options.database:
        shutil.copy(options.database, folder / "chamber.sqlite3")
    else:
        print("Seeding the large demo chamber (about three minutes)...", flush=True)
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)
        subprocess.run([*flask, "seed-demo", "--size", "large"], env=env, cwd=ROOT, check=True)
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    env["LOAD_ACCOUNTS"] = str(_accounts(folder / "chamber.sqlite3", folder, 200))
    accounts = Path(env["LOAD_ACCOUNTS"]).read_text().split()[-options.burst :]

    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # fixed arguments, no shell
        [str(BIN / "gunicorn"), "--workers", str(options.workers),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(env["CHAMBER_BASE_URL"])
        phases = [
            _sign_in_burst(env["CHAMBER_BASE_URL"], accounts, options.burst),
            _phase("signed-in-members", "SignedInMember", options.users, options.seconds, env,
                   folder),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    server_errors = [
        line for line in (folder / "server.log").read_text().splitlines()
        if '" 5' in line and "HTTP/1" in line
    ]

    print(f"\n{'phase':<20}{'users':>6}{'requests':>10}{'failures':>10}{'req/s':>8}"
          f"{'p50 ms':>8}{'p99 ms':>8}{'sign-ins':>10}")
    for p in phases:
        print(f"{p['phase']:<20}{p['users']:>6}{p['requests']:>10}{p['failures']:>10}"
              f"{p['requests_per_s']:>8}{p['median_ms']:>8}{p['p99_ms']:>8}{p['sign_ins']:>10}")
        for kind in p["failure_kinds"]:
            print(f"    {kind}")
    print(f"server 5xx responses: {len(server_errors)}")
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "load.json").write_text(
        json.dumps({"phases": phases, "server_5xx": len(server_errors)}, indent=2)
    )
    failed = any(
        p["failures"] or p["locust_exit"] or not p["requests"] for p in phases
    ) or server_errors
    if failed:
        print(f"Failed: logs kept in {folder}")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
