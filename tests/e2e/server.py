"""The real Chamber for the browser tests: the small demo seed in a temporary SQLite file,
served by gunicorn (one process, so rate limits count in one place) on a free local port."""

from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.outbox = folder / "outbox"
        self.log_path = folder / "server.log"
        self.environment = {
            **os.environ,
            "CHAMBER_ENV": "development",
            "DATABASE_URL": f"sqlite:///{folder / 'chamber.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(self.outbox),
            "CHAMBER_BASE_URL": self.base,
            # Every journey signs in through the form from one address: the per-address limit
            # of all sign-in POSTs is raised, the failure limits (429 journey) stay as shipped.
            "LOGIN_RATE_LIMIT": "200 per minute",
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *arguments: str, timeout: float = 180) -> str:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [str(BIN / "flask"), "--app", "chamber", *arguments],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"flask {' '.join(arguments)} failed:\n{result.stdout[-2000:]}\n"
                + result.stderr[-3000:]
            )
        return result.stdout

    def start(self) -> DemoServer:
        # `flask db upgrade` and `flask seed-demo --size small`, in one Python process.
        self.python(
            "import sys\n"
            "from chamber import create_app\n"
            "app = create_app()\n"
            "runner = app.test_cli_runner()\n"
            "for command in (['db', 'upgrade'], ['seed-demo', '--size', 'small']):\n"
            "    with app.app_context():\n"
            "        result = runner.invoke(args=command)\n"
            "    if result.exit_code:\n"
            "        sys.exit(f'{command}: {result.output} {result.exception!r}')\n"
        )
        with self.log_path.open("w") as log:  # the server keeps its own copy of the file
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    str(BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    "8",
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
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start:\n" + self.log_path.read_text())

    def python(self, code: str, timeout: float = 180) -> str:
        result = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"setting up the demo failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def incidents(self) -> list[str]:
        """500s the server logged (each names an incident id)."""
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if re.search(r"incident [0-9a-f]{12}", line)]

    def deliver_mail(self) -> list[EmailMessage]:
        """Run the e-mail worker once (as cron would); every message in the outbox folder."""
        self.flask("deliver-mail")
        messages = []
        for path in sorted(self.outbox.glob("*.eml")):
            with path.open("rb") as handle:
                messages.append(email.message_from_binary_file(handle, policy=email.policy.default))
        return messages


class RunningServer:
    """A demo server someone started (E2E_BASE_URL), for writing tests quickly."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def incidents(self) -> list[str]:
        return []

    def deliver_mail(self) -> list[EmailMessage]:
        pytest.skip("E2E_BASE_URL: no outbox to read")
