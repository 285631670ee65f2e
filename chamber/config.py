"""Settings read from the environment, with safe defaults for a single-machine chamber."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

# The value a developer would copy from an example; refused in production.
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "secret", "chamber-dev-secret"}


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Let operators paste the usual `postgres://` URL; SQLAlchemy needs the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/ so sessions survive restarts of the demo server."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the configuration from the environment, then apply `overrides` (tests, tools)."""
    overrides = overrides or {}
    env = os.environ.get("CHAMBER_ENV", "development").strip().lower()
    production = env == "production" and not overrides.get("TESTING")
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY", "")
    if production:
        if secret_key in INSECURE_SECRET_KEYS or len(secret_key) < 32:
            raise RuntimeError(
                "Refusing to start in production without a strong SECRET_KEY "
                "(set SECRET_KEY to at least 32 random characters)."
            )
    elif not secret_key:
        secret_key = _dev_secret_key(instance_path)

    default_db = f"sqlite:///{instance_path / 'chamber.sqlite3'}"
    cache_type = os.environ.get("CACHE_TYPE", "SimpleCache")
    config = {
        "CHAMBER_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        # hide_parameters: a database error's text (logged with every incident) leaves out
        # the bound values, which can be tokens, e-mail addresses or other personal data.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "CHAMBER_NAME": os.environ.get("CHAMBER_NAME", "Riverside Chamber of Commerce"),
        "CHAMBER_TIMEZONE": os.environ.get("CHAMBER_TIMEZONE", "America/New_York"),
        "CHAMBER_BASE_URL": os.environ.get("CHAMBER_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Sessions: 30 minutes idle (the signed cookie carries its own timestamp),
        # 12 hours absolute (checked in auth), remember-me at most 12 hours.
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=_int("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_HOURS": _int("SESSION_ABSOLUTE_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "chamber_session",
        "REMEMBER_COOKIE_DURATION": timedelta(hours=_int("SESSION_ABSOLUTE_HOURS", 12)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "IMPORT_MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # bound to the session, which already expires
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt:131072:8:1"),
        "INVITATION_MAX_AGE_DAYS": _int("INVITATION_MAX_AGE_DAYS", 7),
        "PASSWORD_RESET_MAX_AGE_MINUTES": _int("PASSWORD_RESET_MAX_AGE_MINUTES", 60),
        "PASSWORD_RESET_EMAILS_PER_HOUR": _int("PASSWORD_RESET_EMAILS_PER_HOUR", 3),
        # Two-factor sign-in for staff: "required" (set up before anything else) or "prompt"
        # (suggested at sign-in; the demo's director signs in with a password alone).
        "STAFF_TWO_FACTOR": os.environ.get(
            "STAFF_TWO_FACTOR", "required" if production else "prompt"
        )
        .strip()
        .lower(),
        # Changing the password or two-factor settings needs a sign-in this recent.
        "REAUTHENTICATE_MINUTES": _int("REAUTHENTICATE_MINUTES", 10),
        # How many proxies in front of Chamber set X-Forwarded-For/-Proto (0: none, so those
        # headers are ignored and cannot be spoofed). The client address that rate limits and
        # the audit log see depends on it.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The reports' cache (chamber/reports/cache.py; Flask-Caching settings): charts and
        # built reports, in this process by default; CACHE_TYPE=RedisCache with
        # CACHE_REDIS_URL shares them between the web workers.
        "CACHE_TYPE": cache_type,
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "chamber:"),
        "CACHE_DEFAULT_TIMEOUT": _int("CACHE_DEFAULT_TIMEOUT", 3600),
        # Built reports go to that cache too (as plain data), so that one worker's build
        # answers the others: by default when the cache is not this process's own.
        "REPORTS_SHARE_BUILT": _bool(
            "REPORTS_SHARE_BUILT", cache_type not in {"SimpleCache", "NullCache"}
        ),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Failed sign-ins, each a ladder of windows (progressive back-off, no permanent
        # lock-out): per account from unknown browsers, and per client address.
        "LOGIN_ACCOUNT_FAILURE_LIMIT": os.environ.get(
            "LOGIN_ACCOUNT_FAILURE_LIMIT", "5 per minute;10 per 10 minutes;20 per hour"
        ),
        "LOGIN_ADDRESS_FAILURE_LIMIT": os.environ.get(
            "LOGIN_ADDRESS_FAILURE_LIMIT", "20 per 10 minutes;40 per hour"
        ),
        # A browser that signed in to an account is trusted by it this long (device cookie).
        "LOGIN_DEVICE_DAYS": _int("LOGIN_DEVICE_DAYS", 180),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Chamber <no-reply@chamber.example>"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(instance_path / "outbox")),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MEMBERS_PER_PAGE": 24,
        # A report's table of every member shows this many a page (its CSV has them all).
        "REPORT_ROWS_PER_PAGE": _int("REPORT_ROWS_PER_PAGE", 100),
        # Signed-in pages are kept (in the cache above) until the data changes, at most
        # PAGE_CACHE_SECONDS (0: never kept; chamber/pagecache.py).
        "PAGE_CACHE_SECONDS": _int("PAGE_CACHE_SECONDS", 60),
        # Relationships (README, "Relationships"): what one unit of each source weighs, the
        # factor for online time together, and how fast ties fade.
        "RELATIONSHIP_HALF_LIFE_DAYS": _float("RELATIONSHIP_HALF_LIFE_DAYS", 180.0),
        "RELATIONSHIP_ONLINE_FACTOR": _float("RELATIONSHIP_ONLINE_FACTOR", 0.5),
        "RELATIONSHIP_WEIGHT_SHIFT_HOUR": _float("RELATIONSHIP_WEIGHT_SHIFT_HOUR", 1.0),
        "RELATIONSHIP_WEIGHT_PROJECT_HOUR": _float("RELATIONSHIP_WEIGHT_PROJECT_HOUR", 1.0),
        "RELATIONSHIP_WEIGHT_MEETING": _float("RELATIONSHIP_WEIGHT_MEETING", 4.0),
        "RELATIONSHIP_WEIGHT_ONE_TO_ONE": _float("RELATIONSHIP_WEIGHT_ONE_TO_ONE", 3.0),
        "RELATIONSHIP_WEIGHT_REFERRAL": _float("RELATIONSHIP_WEIGHT_REFERRAL", 2.0),
        "RELATIONSHIP_WEIGHT_REFERRAL_WON": _float("RELATIONSHIP_WEIGHT_REFERRAL_WON", 3.0),
        "RELATIONSHIP_RECIPROCITY_BONUS": _float("RELATIONSHIP_RECIPROCITY_BONUS", 0.25),
        "RELATIONSHIP_MULTIPLEXITY_BONUS": _float("RELATIONSHIP_MULTIPLEXITY_BONUS", 0.25),
        "RELATIONSHIP_WORKING_MIN": _float("RELATIONSHIP_WORKING_MIN", 1.0),
        "RELATIONSHIP_STRONG_MIN": _float("RELATIONSHIP_STRONG_MIN", 3.0),
        "RELATIONSHIP_COLD_AFTER_DAYS": _int("RELATIONSHIP_COLD_AFTER_DAYS", 90),
        "RELATIONSHIP_SYNC_MAX_PAIRS": _int("RELATIONSHIP_SYNC_MAX_PAIRS", 2000),
        "RELATIONSHIP_INTRODUCTIONS_PER_DAY": _int("RELATIONSHIP_INTRODUCTIONS_PER_DAY", 5),
    }
    if os.environ.get("CACHE_REDIS_URL"):
        config["CACHE_REDIS_URL"] = os.environ["CACHE_REDIS_URL"]
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    return config


def config_for_tests(database_url: str | None = None) -> dict:
    """Overrides for the test suite: fast hashing, no secrets on disk, a throwaway database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-to-sign",
        "SQLALCHEMY_DATABASE_URI": database_url or "sqlite://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
        # Whatever the environment says: the tests' cache is their own process's.
        "CACHE_TYPE": "SimpleCache",
        "REPORTS_SHARE_BUILT": False,
    }
