"""Bro: a participant portal for integration and inclusion programmes."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import config as bro_config
from portal import work
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate, utcnow
from portal.fragments import SharedFragments

MAX_LINKS = 10_000  # remembered template links per process (see _init_templates)


class Bro(Flask):
    def get_send_file_max_age(self, filename: str | None) -> int:
        """A year for fingerprinted URLs (`?v=<content hash>`, see `asset()`); an hour for
        the fixed ones (the web-app manifest and the icons it names), so changes reach
        phones that added Bro to their home screen."""
        if request.args.get("v"):
            return self.config["SEND_FILE_MAX_AGE_DEFAULT"]
        return 3600


def create_app(overrides: dict | None = None) -> Flask:
    app = Bro(__name__, template_folder=str(bro_config.ROOT / "templates"),
                static_folder=str(bro_config.ROOT / "static"),
                instance_path=str(bro_config.INSTANCE))
    app.config.from_mapping(bro_config.load(overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        # The client's address and scheme from the proxy; never its idea of the host name
        # (links come from PUBLIC_URL, and TRUSTED_HOSTS checks the Host header).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

    db.init_app(app)
    work.init_app(app)
    migrate.init_app(app, db, directory=str(bro_config.ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)

    from portal import i18n
    babel.init_app(app, locale_selector=i18n.select_locale)
    _init_templates(app)

    from portal import errors, requestlog, security, web
    from portal.accounts import limits
    web.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    requestlog.init_app(app)

    from portal.accounts import messages as account_messages
    from portal.accounts import staff, views  # noqa: F401  (staff adds routes to the blueprint)
    from portal.activities.views import bp as activities_bp
    from portal.audit.views import bp as audit_bp
    from portal.competences.views import bp as competences_bp
    from portal.goals.views import bp as goals_bp
    from portal.home.views import bp as home_bp
    from portal.meetings import messages as meeting_messages
    from portal.meetings.views import bp as meetings_bp
    from portal.notify.views import bp as notify_bp
    from portal.privacy import messages as privacy_messages
    from portal.privacy.views import bp as privacy_bp
    from portal.reports import upkeep  # noqa: F401  (keeps the reports' tables on every flush)
    from portal.reports.views import bp as reports_bp
    app.register_blueprint(home_bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(goals_bp)
    app.register_blueprint(competences_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(audit_bp)
    account_messages.init()
    from portal import signals
    from portal.activities import services as activities_services
    signals.site_timezone_changed.connect(activities_services.keep_wall_times)
    from portal.accounts import policy  # what staff may do decides which links pages offer
    app.jinja_env.globals["grantable_roles"] = policy.grantable_roles
    meeting_messages.init()
    privacy_messages.init()
    from portal.competences import hooks as competence_hooks
    competence_hooks.connect()

    errors.init_app(app)

    from portal import cli
    cli.init_app(app)
    return app


def _init_templates(app: Flask) -> None:
    from portal import i18n
    from portal.forms import field_attrs

    @cache
    def fingerprint(filename: str) -> str:
        path = Path(app.static_folder) / filename
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else "0"

    urls: dict[tuple[str, str], str] = {}

    def asset(filename: str) -> str:
        """Static URL with a content hash, so files can be cached for a year."""
        key = (request.script_root, filename)
        if key not in urls:
            urls[key] = url_for("static", filename=filename, v=fingerprint(filename))
        return urls[key]

    links: dict[tuple, str] = {}

    def link(endpoint: str, **values) -> str:
        """`url_for` for templates, remembered per endpoint and ids: a page with a list builds
        the same kind of link for every row, and Werkzeug's builder costs a few microseconds
        each time. Only links whose arguments are all ids (ints) are kept — never words from
        a request (`next=`) or secrets (reset tokens, invitation codes); relative endpoints and
        `_external`, `_anchor` etc. go to `url_for` directly. Emptied when full."""
        if endpoint[0] == "." or not all(type(value) is int for value in values.values()):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *values.items())  # argument order kept
        url = links.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(links) >= MAX_LINKS:
                links.clear()
            links[key] = url
        return url

    i18n.install_template_gettext(app)

    def unread_messages() -> int:
        from portal.notify.services import unread_count

        return unread_count(current_user)

    app.jinja_env.globals["unread_messages"] = unread_messages

    @app.context_processor
    def real_user():
        # The user object itself, not Flask-Login's proxy: templates read it many times.
        return {"current_user": current_user._get_current_object()}

    app.jinja_env.globals.update(
        url_for=link, asset=asset, LANGUAGES=i18n.LANGUAGES,
        text_direction=i18n.text_direction, bdi=i18n.bdi,
        get_locale=get_locale, format_date=i18n.format_date,
        format_datetime=i18n.format_datetime, field_attrs=field_attrs,
        format_local=i18n.format_local, format_day=i18n.format_day,
        local_time=i18n.format_local_time, now=utcnow)
    app.jinja_env.filters["clock"] = i18n.format_clock
    app.jinja_env.filters["isolate_ltr"] = i18n.isolate_ltr
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.add_extension(SharedFragments)
    app.jinja_env.lstrip_blocks = True
