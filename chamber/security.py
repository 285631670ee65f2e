"""Response headers every request gets, and the trusted-proxy setting. (How long a sign-in
lasts is `chamber.auth.sessions`.)"""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` proxies, take the client's address and scheme from the
    X-Forwarded-For/-Proto entries those proxies added (the rightmost ones), so rate limits
    and the audit log see the real client. At 0 (the default) the headers are ignored: a
    client cannot spoof its address by sending them."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def init_app(app: Flask) -> None:
    trust_proxies(app)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated:
            # Personal pages must not be stored by browsers or shared caches.
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response
