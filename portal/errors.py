"""DomainError, and friendly error pages (whole page or fragment) in the user's language."""

from flask import current_app, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from portal.extensions import db
from portal.i18n import _l
from portal.web import render


class DomainError(Exception):
    """A rule of the domain said no. The message is translatable and shown to the user."""

    also: tuple["DomainError", ...] = ()  # more problems found at the same time (see raise_all)

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def raise_all(problems: list[DomainError]) -> None:
    """Raise the first problem with the others attached, so a form shows them all at once."""
    if problems:
        first, *more = problems
        first.also = tuple(more)
        raise first


MESSAGES = {
    400: (_l("Something in the request was wrong"),
          _l("Please go back, reload the page and try again.")),
    403: (_l("You do not have access to this page"),
          _l("If you think you should have access, ask a coordinator at your meeting place.")),
    404: (_l("We could not find that page"),
          _l("The link may be old, or the page has moved.")),
    405: (_l("That did not work"), _l("Please go back and try again.")),
    413: (_l("That was too much at once"), _l("Please send less text or a smaller file.")),
    429: (_l("Too many tries"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("It is not your fault. Please try again in a moment.")),
    503: (_l("Bro is not available right now"), _l("Please try again in a few minutes.")),
}
CSRF_MESSAGE = (_l("This form has expired"),
                _l("For your safety, forms stop working after a while. Reload the page and "
                   "send it again — nothing has been saved yet."))


def error_page(status: int, title, explanation):
    return render("errors/error.html", "errors/_error.html", status=status,
                  title=title, explanation=explanation)


def handle_http(error: HTTPException):
    status = error.code or 500
    title, explanation = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    return error_page(status, title, explanation)


def handle_untrusted_host(error: SecurityError):
    # A Host header Bro does not serve (TRUSTED_HOSTS): no page can be built for it.
    return "Bad Request", 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_csrf(error: CSRFError):
    return error_page(400, *CSRF_MESSAGE)


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, StaleDataError):  # the row was deleted by another request meanwhile
        return error_page(404, *MESSAGES[404])
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.endpoint)
    if isinstance(error, OperationalError):  # database unreachable or locked: try again later
        return error_page(503, *MESSAGES[503])
    return error_page(500, *MESSAGES[500])


def init_app(app) -> None:
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
