"""Response headers, session cookies, login rate limits and role checks."""

import time
from functools import wraps

from flask import abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_login import current_user
from itsdangerous import BadSignature

from portal.extensions import limiter

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


def login_identifier() -> str:
    """Rate-limit key per account: what was typed in the login field, normalised."""
    return "login:" + (request.form.get("login", "") or "").strip().lower()


def login_limits(view):
    """Per IP and per account, so neither a botnet on one account nor one IP on many gets far."""
    from flask import current_app

    per_ip = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
                           methods=["POST"])
    per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
                                key_func=login_identifier, methods=["POST"])
    return per_ip(per_account(view))


def require_admin(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@limiter.request_filter
def _only_posts_are_limited() -> bool:
    """Only form posts carry limits; reading a page skips the limiter's bookkeeping."""
    return request.method != "POST"


def _limiter_hooks_for_posts_only(app) -> None:
    """Flask-Limiter checks every request in a before_request hook, deducts conditional limits
    and adds headers in an after_request hook, and resets its state in a teardown hook. Only
    posts carry limits (above), so other methods skip all three: the same outcome, less work
    (no limit is evaluated for them, so there is nothing to deduct, report or reset).
    Decorated views (login_limits) check their limits in their own wrapper as before."""
    def before(check):
        return lambda: check() if request.method == "POST" else None

    def after(inject):
        return lambda response: inject(response) if request.method == "POST" else response

    def teardown(release):
        def release_for_posts(exc=None):
            if request.method == "POST":
                release(exc)

        return release_for_posts

    found = 0
    for registry, is_limiter_hook, wrap in (
            (app.before_request_funcs, lambda h: h == limiter._check_request_limit, before),
            (app.after_request_funcs,
             lambda h: getattr(h, "func", None) is Limiter._Limiter__inject_headers, after),
            (app.teardown_request_funcs, lambda h: h == limiter._Limiter__release_context,
             teardown)):
        hooks = registry.get(None, [])
        for index, hook in enumerate(hooks):
            if is_limiter_hook(hook):
                hooks[index] = wrap(hook)
                found += 1
    if found != 3:  # a Flask-Limiter upgrade renamed them: fail at start, not silently
        raise RuntimeError(f"Flask-Limiter hooks not found ({found} of 3)")


def init_app(app) -> None:
    """After limiter.init_app()."""
    app.session_interface = SessionCookies()
    app.after_request(add_headers)
    _limiter_hooks_for_posts_only(app)
