"""Median answer time of every report page on a seeded database (issue 10: < 300 ms).

    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/flask --app chamber db upgrade
    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/flask --app chamber seed-demo --size large
    DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python -m bench.reports [--runs 15]

(`-m` from the repository root: run as a file, Python would import the `chamber` package the
virtualenv was installed from, which need not be this checkout; the header names the one
measured.)

Signs in as the demo director (staff: the whole chamber, the heaviest scope), as the demo
chair (their committee) and the demo member (themselves), requests each page `--runs` times
after one warm-up request (so the report kept by the warm-up answers; `--cold` empties the
report cache before each request, so each one builds the report: the first view after a
change; `--other-worker` empties only this process's memory of built reports, so with a
shared cache, CACHE_TYPE=RedisCache, each request reads the report the warm-up kept there:
another web worker's first view), and prints the median and slowest time per page, the
median CPU time, the statement count, and the givers-gain ρ. "CPU ms" is the median process
time of a request (Flask's and SQLite's work; on PostgreSQL the server's share is not in
it): steadier than wall time on a loaded machine. The load average is printed before and
after. Once signed in, the objects alive are moved out of the garbage collector's walk
(gc.freeze), as every gunicorn worker does after it starts (gunicorn.conf.py); `--no-freeze`
measures without. Exits 1 when a median is over the target.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import sys
import time

import sqlalchemy as sa

import chamber
from chamber import create_app
from chamber.extensions import db
from chamber.reports.cache import cache as report_cache
from chamber.reports.views import REPORTS

TARGET_MS = 300
PAGES = list(REPORTS)  # the slugs, in the order of the reports menu
MEMBER_PAGES = ["summary", "engagement"]


def sign_in(app, email: str):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"email": email, "password": "chamber-demo", "csrf_token": token}
    )
    if response.status_code != 302:
        sys.exit(f"could not sign in as {email} (is the demo seeded?)")
    return client


def measure(
    app, client, url: str, runs: int, cold: bool = False, other_worker: bool = False
) -> tuple[float, float, float, int, str]:
    statements = []

    def count(*_args):
        statements.append(1)

    client.get(url)  # warm-up: templates compiled, caches filled
    times, cpu = [], []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(runs):
            if cold:
                report_cache.clear()
            elif other_worker:
                report_cache.built.clear()
            statements.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url}: HTTP {response.status_code}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return (
        statistics.median(times),
        max(times),
        statistics.median(cpu),
        len(statements),
        response.get_data(as_text=True),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--staff-only", action="store_true", help="only the director's HTML pages (quick check)"
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the objects alive at start in the garbage collector's walk",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the report cache before each request: every report is built again",
    )
    parser.add_argument(
        "--other-worker",
        action="store_true",
        help="empty only this process's built reports before each request (with Redis: "
        "each request reads the report another worker kept)",
    )
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        chair_committee = db.session.execute(
            sa.text(
                "SELECT committee_id FROM committee_memberships cm JOIN members m "
                "ON m.id = cm.member_id WHERE m.email = 'chair@example.com' "
                "AND cm.role = 'chair'"
            )
        ).scalar()
        counts = {
            table: db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in ("members", "contributions", "referrals")
        }
    print(f"code: {os.path.dirname(chamber.__file__)}")
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}  rows: {counts}")
    print(
        f"reports' cache: {app.config['CACHE_TYPE']}, "
        f"built reports shared: {app.config['REPORTS_SHARE_BUILT']}"
    )
    clients = {
        "staff": sign_in(app, "director@example.com"),
        "lead": sign_in(app, "chair@example.com"),
        "member": sign_in(app, "member@example.com"),
    }
    plan = [("staff", f"/reports/{slug}") for slug in PAGES]
    if not args.staff_only:
        plan += [("staff", f"/reports/{slug}.csv") for slug in ("givers-gain", "summary")]
        plan += [("lead", f"/reports/{slug}?committee={chair_committee}") for slug in PAGES]
        plan += [("member", f"/reports/{slug}") for slug in MEMBER_PAGES]
    if not args.no_freeze:
        gc.freeze()  # as gunicorn.conf.py's post_fork does in every web worker
    worst = 0.0
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'who':7} {'page':45} {'median ms':>10} {'max ms':>8} {'CPU ms':>7} {'SQL':>4}")
    for who, url in plan:
        median, slowest, cpu, statements, body = measure(
            app, clients[who], url, args.runs, cold=args.cold, other_worker=args.other_worker
        )
        worst = max(worst, median, cpu)
        print(f"{who:7} {url:45} {median:10.1f} {slowest:8.1f} {cpu:7.1f} {statements:4}")
        if who == "staff" and url == "/reports/givers-gain":
            rho = re.search(r'class="stat-value spearman-rho">([^<]*)<', body).group(1)
            n = re.search(r'class="stat-value spearman-n">([^<]*)<', body).group(1)
            print(f"        givers gain (trailing 12 months): Spearman rho {rho}, n {n}")
    print(f"slowest median (wall or CPU): {worst:.1f} ms (target < {TARGET_MS} ms)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
