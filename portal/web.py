"""The one place that knows about htmx: render a page or its fragment, redirect either way."""

from urllib.parse import urlsplit

from flask import current_app, make_response, render_template, url_for
from flask import redirect as plain_redirect
from htmx_flask import Htmx
from htmx_flask import request as hx_request

htmx = Htmx()


def wants_fragment() -> bool:
    """An htmx request that swaps part of a page (not boosted, not a history restore)."""
    hx = hx_request.htmx
    return bool(hx) and not hx.boosted and not hx.history_restore_request and (
        hx_request.headers.get("HX-Request-Type") != "full"
    )


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """The full page for plain requests; for htmx, the fragment file the page includes, when
    the page has one (a page without one is its own answer)."""
    template = fragment if fragment and wants_fragment() else page
    return make_response(render_template(template, **context), status)


def redirect(url: str):
    """303 for plain forms; HX-Redirect for htmx, so the browser loads the whole new page."""
    if hx_request.htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return plain_redirect(url, code=303)


def ics_response(data: bytes, filename: str):
    """An iCalendar file to download or subscribe to."""
    response = make_response(data)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, messages and calendar apps: PUBLIC_URL's scheme and host,
    never the request's Host header (which a client chooses)."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    return f"{public.scheme}://{public.netloc}{url_for(endpoint, **values)}"


def add_vary(response):
    response.vary.add("HX-Request")
    return response


def init_app(app) -> None:
    htmx.init_app(app)
    app.after_request(add_vary)
