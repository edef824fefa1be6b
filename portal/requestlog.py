"""Structured request logs without personal data: one JSON line per request with the method,
the route's name (never the path, its ids or its query string), the status, the time taken,
whether htmx asked and the page language. No IP address, no user id, no form content."""

import json
import logging
import time

from flask import g, request

logger = logging.getLogger("bro.requests")


def _start() -> None:
    g.bro_started = time.perf_counter()


def _log(response):
    started = g.get("bro_started")
    if started is not None:
        from flask_babel import get_locale

        logger.info(json.dumps({
            "method": request.method, "endpoint": request.endpoint or "unknown",
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "htmx": request.headers.get("HX-Request") == "true",
            "lang": str(get_locale()),
        }))
    return response


def init_app(app) -> None:
    if not app.config["REQUEST_LOG"]:
        return
    if not logger.handlers:  # gunicorn/cron: one line per request on stderr
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_log)
