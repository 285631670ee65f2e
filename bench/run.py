"""The benchmark (issue 14): Chamber under gunicorn, driven by wrk, beside two baselines.

    make bench             # large demo seed: 10 s a page, small seed too (cost vs data)
    make bench-smoke       # small seed, 2 s a page; CI: exits 1 on an error or a query count
    .venv/bin/python -m bench.run --help

What it does, in order (bench/README.md has the details and how to read the table):
1. Seeds the demo chamber into a SQLite file under instance/bench/, reused while the seed
   code, the models and the migrations are unchanged (their hash names the file); each run
   works on a copy. With BENCH_DATABASE_URL (PostgreSQL) it seeds that database too.
2. Times `flask rebuild-relationships` on the copy.
3. Starts the app under gunicorn as README's production section runs it (from the repository
   root, so gunicorn.conf.py applies; CHAMBER_ENV=production) with 2 workers, and under the
   same settings the bare WSGI app and the Flask one-row app (bench/baselines.py).
4. Signs in as the demo member, chair and director, checks each page in process (status, SQL
   statements per request, time) and drives it with wrk using that role's session cookie.
5. Prints the table and writes it as JSON under bench/results/; reports worker RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = ROOT / "instance" / "bench"
RESULTS = ROOT / "bench" / "results"

# Issue 14's targets (large seed, SQLite).
TARGETS = {
    "member_share": 0.08,  # member portal pages, share of the bare app's requests/s
    "staff_share": 0.01,  # reports and staff lists
    "p99_ms": 150,
    "max_queries": 12,
    "large_vs_small": 0.8,
    "worker_rss_mb": 150,
}


@dataclass
class Page:
    name: str
    role: str  # member, chair, staff, or "" (no sign-in)
    path: str | None  # None: the page does not exist yet (skipped, with `why`)
    kind: str = "member"  # member (portal) or staff (reports and staff lists): the target
    expect: str | None = None  # text the page must contain to count as built
    why: str = ""


@dataclass
class Result:
    name: str
    role: str
    path: str | None
    kind: str
    status: str = "ok"  # ok, skipped, error
    note: str = ""
    queries: int | None = None
    inprocess_ms: float | None = None
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    share: float | None = None
    errors: int | None = None
    small_rps: float | None = None
    small_queries: int | None = None


@dataclass
class Run:
    size: str
    database: str
    seconds_per_page: float
    connections: int
    started_at: str
    machine: dict
    seed_s: float | None = None
    seed_note: str = ""
    rebuild_s: float | None = None
    baselines: dict = field(default_factory=dict)
    pages: list[Result] = field(default_factory=list)
    worker_rss_mb: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


# Seeding ------------------------------------------------------------------------------------


def seed_key() -> str:
    """A hash of everything that decides what the demo seed writes."""
    digest = hashlib.sha256()
    paths = sorted(
        [*ROOT.glob("chamber/demo/**/*.py"), *ROOT.glob("migrations/versions/*.py")]
        + [*ROOT.glob("chamber/**/models.py"), ROOT / "chamber" / "seeding.py"]
    )
    for path in paths:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def flask(args: list[str], database_url: str, env: dict | None = None, **kwargs):
    return subprocess.run(  # noqa: S603 - this venv's flask, fixed arguments
        [str(BIN / "flask"), "--app", "chamber", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "DATABASE_URL": database_url},
        check=True,
        **kwargs,
    )


def seed_into(database_url: str, size: str) -> float:
    """Migrate and seed an empty database; the seed's seconds (what `seed-demo` reports)."""
    flask(["db", "upgrade"], database_url, capture_output=True)
    started = time.monotonic()
    done = flask(["seed-demo", "--size", size], database_url, capture_output=True, text=True)
    seconds = time.monotonic() - started
    reported = re.search(r"Seeded the \w+ demo chamber in ([\d.]+)s", done.stdout)
    return float(reported.group(1)) if reported else seconds


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: WAL included; the source is opened read-only)."""
    target.unlink(missing_ok=True)
    # read-only; a database without a write-ahead log open needs no -shm file either
    wal = Path(f"{source}-wal").exists()
    src = sqlite3.connect(f"file:{source}?mode=ro{'' if wal else '&immutable=1'}", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def seeded_sqlite(size: str, workdir: Path, given: Path | None, run: Run) -> Path:
    """A working copy of the seeded SQLite database for this run."""
    work = workdir / f"{size}.sqlite3"
    if given:
        sqlite_copy(given, work)
        flask(["db", "upgrade"], f"sqlite:///{work}", capture_output=True)
        run.seed_note = f"given file {given}, migrated (not seeded by this run)"
        return work
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{size}-{seed_key()}.sqlite3"
    timing = cached.with_suffix(".seed_s")
    if not cached.exists():
        print(f"seeding the {size} demo chamber into {cached} ...", flush=True)
        fresh = cached.with_suffix(".partial")
        fresh.unlink(missing_ok=True)
        seconds = seed_into(f"sqlite:///{fresh}", size)
        for old in CACHE.glob(f"{size}-*.sqlite3"):
            old.unlink()
        sqlite_copy(fresh, cached)
        fresh.unlink()
        timing.write_text(f"{seconds:.1f}")
        run.seed_note = "seeded by this run"
    else:
        run.seed_note = "seeded earlier from the same seed code (instance/bench/ cache)"
    run.seed_s = float(timing.read_text()) if timing.exists() else None
    sqlite_copy(cached, work)
    return work


def seeded_postgresql(url: str, size: str, run: Run) -> str:
    """Seed BENCH_DATABASE_URL afresh unless it holds this seed code's demo already."""
    import sqlalchemy as sa

    from chamber.config import normalise_database_url

    key = f"{size}-{seed_key()}"
    engine = sa.create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        try:
            stored = connection.execute(sa.text("SELECT key FROM bench_seed")).scalar()
        except sa.exc.DBAPIError:
            connection.rollback()
            stored = None
    if stored == key:
        run.seed_note = "seeded earlier from the same seed code (bench_seed table)"
        return url
    print(f"seeding the {size} demo chamber into PostgreSQL ...", flush=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    run.seed_s = seed_into(url, size)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE bench_seed (key text)"))
        connection.execute(sa.text("INSERT INTO bench_seed VALUES (:k)"), {"k": key})
    run.seed_note = "seeded by this run"
    engine.dispose()
    return url


def rebuild_seconds(database_url: str) -> float:
    started = time.monotonic()
    flask(["rebuild-relationships"], database_url, capture_output=True)
    return round(time.monotonic() - started, 1)


# Servers ------------------------------------------------------------------------------------


def free_port(preferred: int | None) -> int:
    if preferred:
        return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(target: str, port: int, env: dict, workers: int, log: Path, ready: str = "/"):
    """gunicorn from the repository root (so gunicorn.conf.py applies), as README runs it."""
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 - this venv's gunicorn, fixed arguments
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                target,
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {target} exited at start; see {log}")
            try:  # the master binds first; wait for a worker to answer
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn {target} did not start; see {log}") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def worker_rss_mb(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


# wrk ----------------------------------------------------------------------------------------

WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("BENCH_NOT_200 %d\\n", total))
end
"""


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def wrk(
    url: str,
    cookie: str,
    seconds: float,
    warmup: float,
    connections: int,
    script: Path,
    timeout: int = 5,
):
    def call(duration: float) -> str:
        command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency"]
        command += ["--timeout", f"{timeout}s", "-s", str(script)]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        done = subprocess.run(  # noqa: S603 - wrk against our own server on 127.0.0.1
            [*command, url], capture_output=True, text=True, check=True
        )
        return done.stdout

    if warmup:
        call(warmup)
    out = call(seconds)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    not_200 = re.search(r"BENCH_NOT_200 (\d+)", out)
    errors += int(not_200.group(1)) if not_200 else 0
    return rps, p50, p99, errors


# The app in process: sign-ins, page paths, SQL counts ---------------------------------------


class InProcess:
    """The same app and database as the gunicorn workers: signs in, finds the demo's ids,
    counts each page's SQL statements and times it."""

    ACCOUNTS = {
        "member": "member@example.com",
        "chair": "chair@example.com",
        "staff": "director@example.com",
    }

    def __init__(self):
        import sqlalchemy as sa

        from chamber import create_app
        from chamber.extensions import db

        # Pages built, never served kept (chamber.pagecache): the statements and the time
        # are the page's own work, what the first view after a change costs.
        self.app = create_app({"PAGE_CACHE_SECONDS": 0})
        self.db, self.sa = db, sa
        self.statements = 0
        with self.app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)
        self.clients = {}

    def _count(self, conn, cursor, statement, *args):
        # Counted as the test suite counts them: transaction control aside (SQLite's BEGIN).
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA", "BEGIN")):
            self.statements += 1

    def sign_in(self, role: str):
        client = self.app.test_client()
        base = "https://localhost"  # production cookies are Secure
        html = client.get("/login", base_url=base).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        response = client.post(
            "/login",
            base_url=base,
            headers={"Referer": f"{base}/login"},  # Flask-WTF's strict check over HTTPS
            data={"email": self.ACCOUNTS[role], "password": "chamber-demo", "csrf_token": token},
        )
        if response.status_code != 302:
            raise SystemExit(f"could not sign in as {self.ACCOUNTS[role]} (is the demo seeded?)")
        self.clients[role] = client
        return client

    def cookie(self, role: str) -> str:
        client = self.clients.get(role) or self.sign_in(role)
        return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())

    def pages(self) -> list[Page]:
        from chamber.committees import queries as committee_queries
        from chamber.members.models import Member
        from chamber.relationships import chain

        sa, db = self.sa, self.db
        with self.app.app_context():
            ids = {
                role: db.session.execute(
                    sa.select(Member).where(Member.email == email)
                ).scalar_one()
                for role, email in self.ACCOUNTS.items()
            }
            member = ids["member"]
            memberships = committee_queries.member_memberships(member)
            committee = memberships[0].committee.slug if memberships else None
            led = [
                m.committee.slug
                for m in committee_queries.member_memberships(ids["chair"])
                if m.role.leads
            ]
            # A profile at the end of a chain of three working ties from the member (the
            # search reads both ends' ties, then the ties between their neighbours), so that
            # both seeds measure the same work; else the longest chain of two or more.
            profile, longest = None, 1
            candidates = db.session.execute(
                sa.select(Member)
                .where(Member.is_active.is_(True), Member.id != member.id)
                .order_by(Member.id)
                .limit(400)
            ).scalars()
            for other in candidates:
                found = chain.connection_for_profile(member, other)
                hops = len(found.hops) if found and found.found else 0
                if hops == 3:
                    profile = other.id
                    break
                if longest < hops < 3:
                    profile, longest = other.id, hops
            from chamber.reports.views import REPORTS

            reports = list(REPORTS)
            db.session.rollback()

        pages = [
            Page("member dashboard", "member", "/dashboard"),
            Page("directory", "member", "/members"),
            Page("directory search q=a", "member", "/members?q=a"),
            Page(
                "profile with connection chain",
                "member",
                f"/members/{profile}" if profile else None,
                expect="connection-chain",
                why="no member two ties away from the demo member",
            ),
            Page("My network", "member", "/network"),
            Page(
                "committee page",
                "member",
                f"/committees/{committee}" if committee else None,
                why="the demo member serves on no committee",
            ),
            Page("referrals inbox", "member", "/referrals"),
            Page(
                "approval queue",
                "chair",
                f"/committees/{led[0]}/manage/approvals" if led else None,
                why="the demo chair leads no committee",
            ),
            Page(
                "staff dashboard",
                "staff",
                "/dashboard",
                kind="staff",
                expect='data-dashboard="staff"',
                why="staff see the member dashboard (no staff view yet)",
            ),
            Page("staff referral list", "staff", "/staff/referrals/", kind="staff"),
        ]
        # /healthz first and the reports last: a slow report's requests still in flight when
        # wrk stops would hold the workers and spoil the next page's figures.
        pages.insert(0, Page("/healthz", "", "/healthz"))
        pages += [
            Page(f"report: {slug}", "staff", f"/reports/{slug}", kind="staff") for slug in reports
        ]
        return pages

    def check(self, page: Page, runs: int) -> tuple[str, str, int | None, float | None]:
        """(status, note, SQL statements per request, median in-process ms)."""
        from werkzeug.exceptions import MethodNotAllowed, NotFound

        if page.path is None:
            return "skipped", page.why, None, None
        try:
            self.app.url_map.bind("localhost").match(page.path.split("?")[0])
        except (NotFound, MethodNotAllowed):
            return "skipped", f"no such page yet ({page.path})", None, None
        client = (
            (self.clients.get(page.role) or self.sign_in(page.role))
            if page.role
            else (self.app.test_client())
        )
        counts, times = [], []
        for run in range(runs):
            if run >= 2 and sum(times) > 5:  # a slow page: two runs say enough
                break
            self.statements = 0
            started = time.perf_counter()
            response = client.get(page.path, base_url="https://localhost")
            times.append(time.perf_counter() - started)
            counts.append(self.statements)
            if response.status_code != 200:
                return "error", f"answered {response.status_code}", None, None
            if page.expect and page.expect not in response.get_data(as_text=True):
                return "skipped", page.why or f"page lacks {page.expect!r}", None, None
        return "ok", "", max(counts[1:] or counts), round(statistics.median(times) * 1000, 1)


# One database: servers, pages, results --------------------------------------------------------


def bench_database(args, database_url: str, run: Run, workdir: Path) -> None:
    secret = secrets.token_urlsafe(48)
    env = {
        "CHAMBER_ENV": "production",
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        # Production requires two-factor sign-in for staff; the bench's director signs in
        # with a password (the pages cost the same once signed in).
        "STAFF_TWO_FACTOR": "prompt",
        "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
        "BENCH_BASELINE_DATABASE_URL": database_url,
    }
    os.environ.update(env)
    inproc = InProcess()
    pages = inproc.pages()
    if args.only:
        pages = [p for p in pages if any(o in p.name for o in args.only)]
    script = workdir / "count.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port(args.port)
    log = workdir / "gunicorn.log"
    seconds, warmup, connections = args.seconds, args.warmup, args.connections

    def baseline(name: str, target: str, port: int) -> float:
        with gunicorn(target, port, env, args.workers, log):
            rps, p50, p99, errors = wrk(
                f"http://127.0.0.1:{port}/", "", seconds, warmup, connections, script
            )
        run.baselines[name] = {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}
        print(f"  baseline {name}: {rps:,.0f} req/s, p99 {p99} ms, {errors} errors", flush=True)
        return rps

    if not args.skip_baselines:
        bare = baseline("bare WSGI", "bench.baselines:bare", free_port(args.port and args.port + 1))
        baseline("Flask one row", "bench.baselines:one_row", free_port(args.port and args.port + 2))
    else:
        bare = None

    with gunicorn("wsgi:app", port, env, args.workers, log, "/healthz") as server:
        for page in pages:
            result = Result(page.name, page.role, page.path, page.kind)
            result.status, result.note, result.queries, result.inprocess_ms = inproc.check(
                page, args.runs
            )
            if result.status == "ok" and not args.no_wrk:
                cookie = inproc.cookie(page.role) if page.role else ""
                result.rps, result.p50_ms, result.p99_ms, result.errors = wrk(
                    f"http://127.0.0.1:{port}{page.path}",
                    cookie,
                    seconds,
                    warmup,
                    connections,
                    script,
                    args.timeout,
                )
                if bare:
                    result.share = round(result.rps / bare, 4)
            run.pages.append(result)
            print("  " + row(result), flush=True)
        run.worker_rss_mb = worker_rss_mb(server.pid)


# The table ----------------------------------------------------------------------------------

HEADER = (
    f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'SQL':>4} "
    f"{'errors':>6} {'in-proc ms':>10}"
)


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def row(r: Result) -> str:
    if r.status != "ok":
        return f"{r.name:34} {r.status.upper()}: {r.note}"
    return (
        f"{r.name:34} {_fmt(r.rps, ',.0f'):>8} {_fmt(r.p50_ms, '.1f'):>8} "
        f"{_fmt(r.p99_ms, '.1f'):>8} {_fmt(r.share, '.3f'):>7} {_fmt(r.queries, 'd'):>4} "
        f"{_fmt(r.errors, 'd'):>6} {_fmt(r.inprocess_ms, '.1f'):>10}"
    )


def judge(run: Run, smoke: bool) -> None:
    """Failures: any error or a query count above the target (both modes); in a full run
    also the speed, growth and memory targets."""
    for r in run.pages:
        if r.status == "error":
            run.failures.append(f"{r.name}: {r.note}")
        if r.status != "ok":
            continue
        if r.errors:
            run.failures.append(f"{r.name}: {r.errors} errors under load")
        if r.queries is not None and r.queries > TARGETS["max_queries"]:
            run.failures.append(f"{r.name}: {r.queries} SQL statements (target <= 12)")
        if r.small_queries is not None and r.queries != r.small_queries:
            run.failures.append(
                f"{r.name}: {r.queries} SQL statements on the large seed, "
                f"{r.small_queries} on the small"
            )
        if smoke or r.path == "/healthz":
            continue
        target = TARGETS["member_share"] if r.kind == "member" else TARGETS["staff_share"]
        if r.share is not None and r.share < target:
            run.failures.append(f"{r.name}: {r.share:.3f} x bare (target >= {target})")
        if r.p99_ms is not None and r.p99_ms > TARGETS["p99_ms"]:
            run.failures.append(f"{r.name}: p99 {r.p99_ms} ms (target < 150)")
        if r.small_rps and r.rps and r.rps < TARGETS["large_vs_small"] * r.small_rps:
            run.failures.append(
                f"{r.name}: {r.rps / r.small_rps:.2f} x its small-seed requests/s (target >= 0.8)"
            )
    if not smoke and any(mb > TARGETS["worker_rss_mb"] for mb in run.worker_rss_mb):
        run.failures.append(f"worker RSS {run.worker_rss_mb} MB (target <= 150)")


def report(run: Run) -> str:
    lines = [
        f"Chamber benchmark, {run.size} seed on {run.database}, {run.started_at} "
        f"({run.machine['cpus']} CPUs, load {run.machine['load']}), "
        f"{run.connections} connections, {run.seconds_per_page:g} s a page",
        f"seed: {_fmt(run.seed_s, '.1f')} s ({run.seed_note}); relationship rebuild: "
        f"{_fmt(run.rebuild_s, '.1f')} s",
    ]
    for name, b in run.baselines.items():
        lines.append(
            f"baseline {name}: {b['rps']:,.0f} req/s, p50 {b['p50_ms']} ms, p99 {b['p99_ms']} ms"
        )
    lines += [HEADER, "-" * len(HEADER)]
    lines += [row(r) for r in run.pages]
    if any(r.small_rps for r in run.pages):
        lines.append("")
        lines.append(f"{'page':34} {'small req/s':>11} {'large req/s':>11} {'large/small':>11}")
        for r in run.pages:
            if r.small_rps and r.rps:
                ratio = r.rps / r.small_rps
                lines.append(f"{r.name:34} {r.small_rps:>11,.0f} {r.rps:>11,.0f} {ratio:>11.2f}")
    lines.append(f"worker RSS after the run: {run.worker_rss_mb} MB")
    lines.append("targets: " + ("all met" if not run.failures else "MISSED:"))
    lines += [f"  - {f}" for f in run.failures]
    return "\n".join(lines)


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def one_run(args, size: str, database: str, workdir: Path) -> Run:
    run = Run(
        size=size,
        database=database,
        seconds_per_page=args.seconds,
        connections=args.connections,
        started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
    )
    if database == "sqlite":
        given = args.large_file if size == "large" else args.small_file
        path = seeded_sqlite(size, workdir, given, run)
        url = f"sqlite:///{path}"
    else:
        url = seeded_postgresql(os.environ["BENCH_DATABASE_URL"], size, run)
    print(f"{size} seed on {database}: seed {run.seed_s} s ({run.seed_note})", flush=True)
    if not args.no_rebuild:
        run.rebuild_s = rebuild_seconds(url)
        print(f"  relationship rebuild: {run.rebuild_s} s", flush=True)
    bench_database(args, url, run, workdir)
    run.machine["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="small seed, 2 s a page (CI)")
    parser.add_argument("--seconds", type=float, help="wrk seconds a page (10; smoke 2)")
    parser.add_argument("--warmup", type=float, help="wrk warm-up seconds a page (2; smoke 0)")
    parser.add_argument("--connections", type=int, help="wrk connections (16; smoke 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--runs", type=int, help="in-process requests a page (5; smoke 2)")
    parser.add_argument("--port", type=int, help="first of three ports (default: free ones)")
    parser.add_argument("--only", nargs="*", help="pages whose name contains one of these")
    parser.add_argument("--no-small", action="store_true", help="large seed only")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the rebuild timing")
    parser.add_argument("--no-wrk", action="store_true", help="in-process checks only")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--large-file", type=Path, help="use this seeded SQLite file (copied)")
    parser.add_argument("--small-file", type=Path, help="use this seeded SQLite file (copied)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (2 if args.smoke else 10)
    # The smoke run checks errors and SQL counts on a shared CI machine: few connections and a
    # long timeout, so a slow report's queue neither spills into the next page nor times out.
    args.connections = args.connections or (4 if args.smoke else 16)
    args.timeout = 30 if args.smoke else 5
    args.warmup = args.warmup if args.warmup is not None else (0 if args.smoke else 2)
    args.runs = args.runs or (2 if args.smoke else 5)
    args.no_rebuild = args.no_rebuild or args.smoke  # CI checks the rebuild elsewhere
    if not shutil.which("wrk") and not args.no_wrk:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    started = time.monotonic()
    databases = ["sqlite"] + (["postgresql"] if os.environ.get("BENCH_DATABASE_URL") else [])
    sizes = ["small"] if args.smoke else (["large"] if args.no_small else ["small", "large"])
    runs = []
    with tempfile.TemporaryDirectory(prefix="chamber-bench-") as tmp:
        workdir = Path(tmp)
        for database in databases:
            by_size = {}
            for size in sizes:
                by_size[size] = one_run(args, size, database, workdir)
            if "small" in by_size and "large" in by_size:
                small = {r.name: r for r in by_size["small"].pages}
                for r in by_size["large"].pages:
                    if r.name in small:
                        r.small_rps, r.small_queries = small[r.name].rps, small[r.name].queries
            for run in by_size.values():
                # speed targets on the large seed; errors and SQL counts on every run
                judge(run, smoke=args.smoke or run.size != sizes[-1])
                runs.append(run)
    failed = False
    for run in runs:
        print()
        print(report(run))
        failed = failed or bool(run.failures)
    print(f"\nbenchmark took {time.monotonic() - started:.0f} s")
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
        name = f"{stamp}-{'smoke' if args.smoke else 'full'}.json"
        (RESULTS / name).write_text(
            json.dumps([asdict(run) for run in runs], indent=1, default=str) + "\n"
        )
        print(f"written to bench/results/{name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
