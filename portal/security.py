"""Response headers, session cookies and role checks."""

import time
from functools import wraps

from flask import abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import BadSignature

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                          "interest-cohort=()",
}


_HEADERS_BY_KEY = [(name.lower(), name, value) for name, value in HEADERS.items()]


def add_headers(response):
    # Like headers.setdefault() for each, with one pass over the response's headers.
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for key, name, value in _HEADERS_BY_KEY:
        if key not in present:
            headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        # Over HTTPS (directly, or as the trusted proxy says): the browser never tries plain
        # HTTP for this host again, so nobody on a café's Wi-Fi can downgrade the connection.
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if "cache-control" not in present and request.endpoint != "static":
        # Pages carry personal data and CSRF tokens: never stored by shared caches.
        headers["Cache-Control"] = "no-store"
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each cookie's signature checked once per worker.

    The cookie is only sent again when the session changes (SESSION_REFRESH_EACH_REQUEST is
    off), so a browser sends the same bytes with every request. The first time, the cookie is
    checked as Flask does (signature, age) and its verified content kept, keyed by the exact
    bytes; after that only the age is checked again and the content decoded afresh for each
    request (a copy: changing the session never changes what is kept). Different bytes — a
    changed, forged or expired cookie — are a miss and are checked in full."""

    MAX_ENTRIES = 10_000  # a few MB at most (only verified cookies); emptied when full

    def __init__(self):
        self._verified: dict[str, tuple[int, str]] = {}

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        kept = self._verified.get(value)
        if kept is None:
            return self._check_and_keep(app, value)
        signed_at, content = kept
        age = int(time.time()) - signed_at
        if not 0 <= age <= app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as a full check would say
        return self.session_class(self.serializer.loads(content))

    def _check_and_keep(self, app, value: str):
        signer = self.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = signer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= self.MAX_ENTRIES:
            self._verified.clear()
        self._verified[value] = (int(signed_at.timestamp()), self.serializer.dumps(data))
        return self.session_class(data)


def require_admin(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def init_app(app) -> None:
    app.session_interface = SessionCookies()
    app.after_request(add_headers)
