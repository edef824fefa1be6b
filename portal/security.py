"""Response headers, login rate limits and role checks."""

from functools import wraps

from flask import abort, request
from flask_limiter import Limiter
from flask_login import current_user

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
    app.after_request(add_headers)
    _limiter_hooks_for_posts_only(app)
