"""Response headers and role checks."""

from functools import wraps

from flask import abort, request
from flask_login import current_user

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


def require_admin(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def init_app(app) -> None:
    app.after_request(add_headers)
