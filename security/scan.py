"""`make security`: bandit, sqlmap and wapiti against a Chamber this script starts itself.

1. bandit on chamber/: no finding of medium or high severity (each justified one carries a
   `# nosec BXXX - reason` comment where it is).
2. A throwaway server: the small demo seed in a temporary SQLite file, gunicorn on a free port
   of 127.0.0.1, removed at the end.
3. sqlmap on every search and filter GET parameter, signed in as the demo member. The targets
   are found by crawling the member's pages for GET forms and links with query strings, so a
   new filter is scanned without editing this file. Nothing may be injectable.
4. wapiti signed in as each demo role (member, chair, director). Its only allowed findings are
   listed in ALLOWED with the reason.

Every tool runs under a time limit; the whole run takes about four minutes on two cores.
Exit status 1 when anything is found (or a tool could not finish), 0 otherwise. wapiti and
sqlmap run through security/local_tool.py, which holds every connection to the loopback
address. Reports are kept in security/reports/ (not committed).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html.parser
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORTS = ROOT / "security" / "reports"
# Debian's wapiti and sqlmap run under the system Python, held to the loopback address.
LOCAL_TOOL = ("/usr/bin/python3", str(ROOT / "security" / "local_tool.py"))
PASSWORD = "chamber-demo"  # the documented password of the demo accounts
ROLES = {
    "member": "member@example.com",
    "chair": "chair@example.com",
    "director": "director@example.com",
}

# Not crawled nor attacked: forms that would end the scanner's session (sign-out, password,
# e-mail), and buttons that take a role's access away while its scan runs (leaving or removing
# from a committee, role changes, deactivation, deleting, archiving, withdrawing).
EXCLUDED_PATHS = (
    "/logout",
    "/password",
    "/settings/email",
    "/*/leave",
    "/*/remove",
    "/*/role",
    "/*/active",
    "/*/delete",
    "/*/archive",
    "/*/withdraw",
)

# wapiti findings that are not holes in this setting, and why.
ALLOWED = {
    ("HTTP Secure Headers", "Strict-Transport-Security is not set"): (
        "production only: HSTS is sent when CHAMBER_ENV=production (HTTPS); this scan is HTTP"
    ),
    ("HTTP Secure Headers", "X-XSS-Protection is not set"): (
        "deliberate: the header is obsolete and OWASP advises against enabling it "
        "(the CSP without inline script protects instead)"
    ),
    ("Secure Flag cookie", "chamber_session"): (
        "production only: the session cookie is Secure when CHAMBER_ENV=production (HTTPS)"
    ),
}

# wapiti's modules for a Flask app: injection (SQL errors, reflected and stored XSS), open
# redirects, headers, cookies and CSP. Left out: ssrf (needs an endpoint outside this machine),
# exec and file (no shell or file includes here; they spent the time budget on 1-3 forms),
# blindsql (time-based; sqlmap covers the GET parameters more thoroughly).
WAPITI_MODULES = ("sql", "xss", "permanentxss", "redirect", "http_headers", "cookieflags", "csp")

# Time limits (seconds). Budget: ~5 minutes in all on a 2-core machine.
BANDIT_TIMEOUT = 120
SEED_TIMEOUT = 120
SQLMAP_TIMEOUT = 150  # one target
SQLMAP_BUDGET = 110  # all targets
# wapiti's limit on crawling, per role: staff pages are many and heavy, and the director's
# scan would otherwise end first while the others still attack.
WAPITI_SCAN_TIME = {"member": 45, "chair": 45, "director": 85}
WAPITI_ATTACK_TIME = 40  # wapiti's limit on each attack module
WAPITI_TIMEOUT = 260  # per role, hard


@dataclass
class Outcome:
    name: str
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def say(message: str) -> None:
    print(message, flush=True)


def run(arguments: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """Run a tool; on timeout its whole process group is killed."""
    process = subprocess.Popen(  # fixed arguments, no shell
        arguments,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **kwargs,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise TimeoutError(f"{Path(arguments[0]).name} ran over {timeout:.0f}s") from None
    return subprocess.CompletedProcess(arguments, process.returncode, output, "")


# --- tools ------------------------------------------------------------------------------------


def ensure_scanners() -> None:
    """wapiti and sqlmap come from Debian packages: installed here when missing (root)."""
    missing = [tool for tool in ("wapiti", "sqlmap") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"make security: install {' '.join(missing)} (apt-get install -y wapiti sqlmap)")
    say(f"== installing {' '.join(missing)} (apt-get)")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(  # the system package manager, fixed arguments
        ["apt-get", "install", "-y", "-qq", "wapiti", "sqlmap"], check=True, env=environment
    )


def bandit() -> Outcome:
    outcome = Outcome("bandit")
    report = REPORTS / "bandit.json"
    run(
        [str(BIN / "bandit"), "-r", "chamber", "-q", "-f", "json", "-o", str(report)],
        BANDIT_TIMEOUT,
        cwd=ROOT,
    )
    data = json.loads(report.read_text())
    for issue in data["results"]:
        if issue["issue_severity"] in ("MEDIUM", "HIGH"):
            outcome.findings.append(
                f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
                f"({issue['issue_severity'].lower()}): {issue['issue_text']}"
            )
    totals = data["metrics"]["_totals"]
    outcome.notes.append(
        f"{totals['loc']:,} lines; low {totals['SEVERITY.LOW']:.0f}, medium "
        f"{totals['SEVERITY.MEDIUM']:.0f}, high {totals['SEVERITY.HIGH']:.0f}; "
        f"{totals['nosec']:.0f} justified with # nosec"
    )
    return outcome


# --- the server under test --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the small demo chamber from a temporary SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **os.environ,
            "CHAMBER_ENV": "development",
            "DATABASE_URL": f"sqlite:///{folder / 'chamber.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "CHAMBER_BASE_URL": self.base,
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *arguments: str) -> None:
        result = run(
            [str(BIN / "flask"), "--app", "chamber", *arguments],
            SEED_TIMEOUT,
            cwd=ROOT,
            env=self.environment,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{result.stdout[-3000:]}")

    def __enter__(self) -> Server:
        self.flask("db", "upgrade")
        self.flask("seed-demo", "--size", "small")
        log = (self.folder / "server.log").open("w")
        self.process = subprocess.Popen(  # fixed arguments, no shell
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("the server did not start:\n" + (self.folder / "server.log").read_text())

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def errors_logged(self) -> list[str]:
        """Incidents (500s) the server logged while it was scanned."""
        text = (self.folder / "server.log").read_text(errors="replace")
        return [line for line in text.splitlines() if re.search(r"incident [0-9a-f]{12} on ", line)]


# --- a signed-in browser ----------------------------------------------------------------------


class Browser:
    """A cookie-keeping client for the local server (urllib)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        """(final URL, HTML) of a page on the server."""
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.geturl(), response.read().decode("utf-8", "replace")

    def sign_in(self, email: str) -> None:
        _url, page = self.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if not token:
            raise RuntimeError("no CSRF token on the sign-in page")
        data = urllib.parse.urlencode(
            {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        ).encode()
        request = urllib.request.Request(self.base + "/login", data=data)
        with self.opener.open(request, timeout=20) as response:
            landed = urllib.parse.urlsplit(response.geturl()).path
        if landed.startswith("/login"):
            raise RuntimeError(f"could not sign in as {email} (landed on {landed})")

    @property
    def session_cookie(self) -> str:
        for cookie in self.jar:
            if cookie.name == "chamber_session":
                return cookie.value
        raise RuntimeError("no session cookie")

    def wapiti_cookie_file(self, path: Path) -> None:
        """The session cookie in wapiti's JSON cookie format (an IP address has no dot)."""
        path.write_text(
            json.dumps(
                {
                    "127.0.0.1": {
                        "/": {
                            "chamber_session": {
                                "value": self.session_cookie,
                                "expires": None,
                                "secure": False,
                                "port": None,
                                "version": 0,
                            }
                        }
                    }
                }
            )
        )


class _Page(html.parser.HTMLParser):
    """Links and GET forms (with their fields' names and first values) of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = (attrs.get("action") or "", {}) if method == "get" else None
        elif self._form is not None and tag in ("input", "textarea") and attrs.get("name"):
            if (attrs.get("type") or "").lower() not in ("submit", "button", "checkbox", "radio"):
                self._form[1].setdefault(attrs["name"], attrs.get("value") or "1")
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form[1].setdefault(attrs["name"], "")
        elif (
            self._form is not None
            and tag == "option"
            and self._select
            and not self._form[1][self._select]
            and attrs.get("value")
        ):
            self._form[1][self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def filter_targets(browser: Browser, limit_pages: int = 120) -> list[str]:
    """Every distinct (path, parameter names) of the GET forms and query-string links on the
    member's pages: the searches and filters to give sqlmap."""
    seen_pages: set[str] = set()
    queue = ["/dashboard"]
    targets: dict[tuple[str, tuple[str, ...]], str] = {}
    server_netloc = urllib.parse.urlsplit(browser.base).netloc
    while queue and len(seen_pages) < limit_pages:
        path = queue.pop(0)
        key = re.sub(r"\d+", "N", urllib.parse.urlsplit(path).path)
        if key in seen_pages:
            continue
        seen_pages.add(key)
        try:
            final, page = browser.get(path)
        except urllib.error.HTTPError:
            continue
        parser = _Page()
        parser.feed(page)
        here = urllib.parse.urlsplit(final).path
        found = [(action or here, fields) for action, fields in parser.forms]
        for href in parser.links:
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(final, href))
            if parts.scheme not in ("http", "https") or parts.netloc != server_netloc:
                continue
            if parts.path.startswith(("/static", "/logout")) or parts.path.endswith(".ics"):
                continue
            queue.append(parts.path)
            if parts.query:
                found.append((parts.path, dict(urllib.parse.parse_qsl(parts.query))))
        for action, fields in found:
            if not fields:
                continue
            target_path = urllib.parse.urlsplit(urllib.parse.urljoin(final, action)).path
            if target_path.endswith((".csv", ".ics", ".svg")):
                continue
            name_key = (re.sub(r"\d+", "N", target_path), tuple(sorted(fields)))
            values = {name: value or "1" for name, value in fields.items()}
            targets.setdefault(name_key, f"{target_path}?{urllib.parse.urlencode(values)}")
    return sorted(targets.values())


# --- sqlmap -----------------------------------------------------------------------------------


def sqlmap_one(base: str, cookie: str, target: str, folder: Path) -> tuple[str, list[str]]:
    out = folder / re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")[:80]
    result = run(
        [
            *LOCAL_TOOL,
            "sqlmap",
            "-u",
            base + target,
            f"--cookie=chamber_session={cookie}",
            "--batch",
            "--dbms=SQLite",
            "--technique=BEUS",
            "--level=1",
            "--risk=1",
            "--timeout=15",
            "--retries=1",
            "--threads=2",
            "--disable-coloring",
            "--flush-session",
            f"--output-dir={out}",
            "--skip-waf",
            "-v",
            "1",
        ],
        SQLMAP_TIMEOUT,
    )
    problems = []
    text = result.stdout
    if "identified the following injection point" in text or re.search(
        r"parameter '[^']+' (is|appears to be) .*injectable", text
    ):
        problems.append(f"{target}: injectable\n{text[-2000:]}")
    if "all tested parameters do not appear to be injectable" not in text and not problems:
        problems.append(f"{target}: sqlmap did not finish its tests\n{text[-1500:]}")
    return target, problems


def sqlmap(server: Server) -> Outcome:
    outcome = Outcome("sqlmap")
    browser = Browser(server.base)
    browser.sign_in(ROLES["member"])
    targets = filter_targets(browser)
    outcome.notes.append(f"{len(targets)} search/filter URLs: " + ", ".join(targets))
    if len(targets) < 3:
        outcome.findings.append(f"only {len(targets)} filter URLs were found: is the crawl broken?")
    folder = server.folder / "sqlmap"
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(sqlmap_one, server.base, browser.session_cookie, target, folder)
            for target in targets
        ]
        for job in concurrent.futures.as_completed(jobs):
            try:
                _target, problems = job.result()
            except TimeoutError as error:
                problems = [str(error)]
            outcome.findings.extend(problems)
    if time.monotonic() - started > SQLMAP_BUDGET:
        outcome.notes.append(f"over its budget of {SQLMAP_BUDGET}s: scan fewer targets at once")
    return outcome


# --- wapiti -----------------------------------------------------------------------------------


def crawl_counts(session: Path) -> tuple[int, int]:
    """(pages answered 200, distinct POST forms) in wapiti's session database."""
    [database] = session.glob("*.db")
    connection = sqlite3.connect(database)
    try:
        pages = connection.execute(
            "SELECT count(*) FROM paths WHERE evil = 0 AND method = 'GET' AND http_status = 200"
        ).fetchone()[0]
        forms = connection.execute(
            "SELECT count(DISTINCT path) FROM paths WHERE evil = 0 AND method = 'POST'"
        ).fetchone()[0]
    finally:
        connection.close()
    return pages, forms


def attacked(session: Path) -> str:
    """How many requests each attack module got through (wapiti's attack log)."""
    [database] = session.glob("*.db")
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT module_name, count(*) FROM attack_log GROUP BY module_name ORDER BY 1"
        ).fetchall()
    finally:
        connection.close()
    return ", ".join(f"{module} {count}" for module, count in rows) or "nothing"


def allowed_reason(category: str, info: str) -> str | None:
    for (allowed_category, text), reason in ALLOWED.items():
        if category == allowed_category and text in info:
            return reason
    return None


def wapiti(server: Server, role: str) -> Outcome:
    outcome = Outcome(f"wapiti as {role}")
    browser = Browser(server.base)
    browser.sign_in(ROLES[role])
    folder = server.folder / f"wapiti-{role}"
    folder.mkdir()
    cookies = folder / "cookies.json"
    browser.wapiti_cookie_file(cookies)
    report = REPORTS / f"wapiti-{role}.json"
    excluded = [arg for path in EXCLUDED_PATHS for arg in ("-x", f"{server.base}{path}*")]
    result = run(
        [
            *LOCAL_TOOL,
            "wapiti",
            "-u",
            f"{server.base}/",
            "--scope",
            "folder",
            "-c",
            str(cookies),
            "-s",
            f"{server.base}/dashboard",
            *excluded,
            "-m",
            ",".join(WAPITI_MODULES),
            "--endpoint",
            f"{server.base}/",
            "-d",
            "3",
            "--max-links-per-page",
            "40",
            "--max-files-per-dir",
            "15",
            "--max-scan-time",
            str(WAPITI_SCAN_TIME[role]),
            "--max-attack-time",
            str(WAPITI_ATTACK_TIME),
            "-t",
            "10",
            "--flush-session",
            "--store-session",
            str(folder / "session"),
            "--store-config",
            str(folder / "config"),
            "--no-bugreport",
            "-v",
            "0",
            "-f",
            "json",
            "-o",
            str(report),
        ],
        WAPITI_TIMEOUT,
        cwd=folder,
    )
    (REPORTS / f"wapiti-{role}.log").write_text(result.stdout)
    if not report.exists():
        outcome.findings.append(f"wapiti wrote no report:\n{result.stdout[-2000:]}")
        return outcome
    data = json.loads(report.read_text())
    pages, forms = crawl_counts(folder / "session")
    outcome.notes.append(
        f"{pages} pages read (200), {forms} forms found; attacked: {attacked(folder / 'session')}"
    )
    if pages < 20:
        outcome.findings.append(f"only {pages} pages crawled: signed out or the crawl broke")
    for kind in ("vulnerabilities", "anomalies"):
        for category, entries in data.get(kind, {}).items():
            for entry in entries:
                info = entry.get("info", "")
                reason = allowed_reason(category, info)
                where = f"{entry.get('method', '')} {entry.get('path', '')}".strip()
                if reason:
                    outcome.notes.append(f"allowed: {category}: {info} ({reason})")
                else:
                    outcome.findings.append(f"{category}: {info} [{where}]")
    return outcome


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    started = time.monotonic()
    REPORTS.mkdir(parents=True, exist_ok=True)
    ensure_scanners()
    outcomes: list[Outcome] = []

    def timed(step, *arguments) -> None:
        began = time.monotonic()
        try:
            outcome = step(*arguments)
        except (RuntimeError, TimeoutError, OSError, ValueError) as error:
            outcome = Outcome(getattr(step, "__name__", "step"), findings=[f"failed: {error}"])
        outcome.seconds = time.monotonic() - began
        outcomes.append(outcome)
        mark = "FOUND" if outcome.findings else "ok"
        say(f"== {outcome.name}: {mark} in {outcome.seconds:.0f}s")
        for note in outcome.notes:
            say(f"   {note}")
        for finding in outcome.findings:
            say(f"   FINDING {finding}")

    timed(bandit)
    folder = Path(tempfile.mkdtemp(prefix="chamber-security-"))
    try:
        began = time.monotonic()
        with Server(folder) as server:
            say(f"== server on {server.base} (small demo seed) in {time.monotonic() - began:.0f}s")
            timed(sqlmap, server)
            # The three roles at once: wapiti's limits are wall-clock time.
            with concurrent.futures.ThreadPoolExecutor(max_workers=len(ROLES)) as pool:
                list(pool.map(lambda role: timed(wapiti, server, role), ROLES))
            incidents = server.errors_logged()
            outcomes.append(Outcome("server log", findings=[f"500: {x}" for x in incidents]))
            say(f"== server log: {len(incidents)} incidents (500s)")
            for line in incidents[:20]:
                say(f"   FINDING {line}")
    except RuntimeError as error:
        outcomes.append(Outcome("server", findings=[str(error)]))
        say(f"== server: {error}")
    finally:
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    found = sum(len(o.findings) for o in outcomes)
    say(
        f"== make security: {found} finding{'s' if found != 1 else ''} "
        f"in {time.monotonic() - started:.0f}s"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
