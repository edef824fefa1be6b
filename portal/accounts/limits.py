"""Rate limits on the account doors: log in, reset, forgotten password, register, join.

Per IP address, and per account for the doors that name one. The account key is the account
itself when the login finds one, whatever way it was written (another spelling of a phone
number, upper case, a hidden bidi control), so rewriting it gives no fresh tries."""

from flask import current_app, g, request

from portal.accounts.services import find_by_login
from portal.extensions import limiter
from portal.forms import normalise_text


def person_for_login():
    """The account a posted `login` field names (looked up once per request), or None."""
    if "bro_login_person" not in g:
        g.bro_login_person = find_by_login(_typed_login())
    return g.bro_login_person


def _typed_login() -> str:
    return normalise_text(request.form.get("login", "") or "").lower()


def account_key() -> str:
    person = person_for_login()
    return f"account:{person.id}" if person is not None else "login:" + _typed_login()


def _config(name: str):
    return lambda: current_app.config[name]


def per_ip(name: str, methods=("POST",)):
    return limiter.limit(_config(name), methods=list(methods))


def account_limits(view, deduct_when=None):
    """Per IP and per account, so neither a botnet on one account nor one IP on many gets far."""
    per_account = limiter.limit(_config("LOGIN_LIMIT_PER_ACCOUNT"), key_func=account_key,
                                methods=["POST"], deduct_when=deduct_when)
    per_address = limiter.limit(_config("LOGIN_LIMIT_PER_IP"), methods=["POST"],
                                deduct_when=deduct_when)
    return per_address(per_account(view))


def _refused(response) -> bool:
    return response.status_code != 303


def login_limits(view):
    """The account limits counting only the tries that fail: a login that lets the person in
    uses none, so a café's people behind one Wi-Fi address all get in, while guessing stops
    after the same few wrong passwords."""
    return account_limits(view, deduct_when=_refused)


# Pages that tell whether a code works: the invitation, and a certificate's check.
LIMITED_PAGES = {"accounts.join", "certificates.check", "certificates.verify"}


def _unlimited() -> bool:
    """Only form posts and the pages that tell whether a code works carry limits; other
    requests skip the limiter's bookkeeping."""
    return request.method != "POST" and request.endpoint not in LIMITED_PAGES


def workers_sharing_memory(argv=None, environ=None) -> int:
    """How many gunicorn workers this process is one of, from its command line or
    environment (1 when it is not gunicorn, or when it cannot tell)."""
    import os
    import shlex
    import sys

    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if "gunicorn" not in os.path.basename(argv[0] if argv else ""):
        return 1
    words = [*argv[1:], *shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))]
    workers = environ.get("WEB_CONCURRENCY", "1")
    for index, word in enumerate(words):
        if word in ("-w", "--workers") and index + 1 < len(words):
            workers = words[index + 1]
        elif word.startswith("--workers="):
            workers = word.partition("=")[2]
    return int(workers) if workers.isdigit() else 1


def init_app(app) -> None:
    if (app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
            and workers_sharing_memory() > 1):
        app.logger.warning(
            "Rate limits are counted in memory by each of several workers, so every limit is "
            "multiplied by their number. Set RATELIMIT_STORAGE_URI=redis://host:6379 (README, "
            "Production).")
    if _unlimited not in _FILTERS:  # the filter is the limiter's, shared by every app
        limiter.request_filter(_unlimited)
        _FILTERS.append(_unlimited)


_FILTERS: list = []
