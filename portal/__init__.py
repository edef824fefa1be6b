"""Bro: a participant portal for integration and inclusion programmes."""

from pathlib import Path

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from portal import config as bro_config
from portal import speed, work
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate, utcnow


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
    app.session_interface = speed.SessionCookies()
    limits.init_app(app)
    requestlog.init_app(app)

    _register_blueprints(app)
    _connect_features(app)

    errors.init_app(app)

    from portal import cli
    cli.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import staff
    from portal.accounts import views as accounts
    from portal.activities.views import bp as activities_bp
    from portal.audit.views import bp as audit_bp
    from portal.calendar.views import bp as calendar_bp
    from portal.certificates.views import bp as certificates_bp
    from portal.competences.views import bp as competences_bp
    from portal.dialogues.views import bp as dialogues_bp
    from portal.employment.views import bp as employment_bp
    from portal.feedback.views import bp as feedback_bp
    from portal.goals.views import bp as goals_bp
    from portal.home.views import bp as home_bp
    from portal.meetings.views import bp as meetings_bp
    from portal.notify.views import bp as notify_bp
    from portal.privacy.views import bp as privacy_bp
    from portal.push.views import bp as push_bp
    from portal.reports.views import bp as reports_bp
    from portal.voice.views import bp as voice_bp

    for blueprint in (home_bp, accounts.bp, staff.bp, activities_bp, notify_bp, goals_bp,
                      competences_bp, meetings_bp, reports_bp, privacy_bp, audit_bp,
                      employment_bp, calendar_bp, feedback_bp, voice_bp, push_bp, dialogues_bp,
                      certificates_bp):
        app.register_blueprint(blueprint)


def _connect_features(app: Flask) -> None:
    """What features do for each other (signals, kept figures, notification texts), connected
    here and only here: importing a module never connects anything."""
    from portal import figures
    from portal.accounts import hooks as accounts
    from portal.accounts import policy
    from portal.activities import hooks as activities
    from portal.activities import reminders as activity_reminders
    from portal.calendar import hooks as calendar
    from portal.certificates import hooks as certificates
    from portal.competences import hooks as competences
    from portal.dialogues import hooks as dialogues
    from portal.employment import hooks as employment
    from portal.feedback import hooks as feedback
    from portal.goals import hooks as goals
    from portal.meetings import figures as meeting_figures
    from portal.meetings import hooks as meetings
    from portal.notify import hooks as notify
    from portal.privacy import messages as privacy_messages
    from portal.push import hooks as push
    from portal.reports import hooks as reports
    from portal.voice import hooks as voice

    figures.init_app(app)
    accounts.connect()
    activities.connect()
    activity_reminders.connect()
    calendar.connect()
    dialogues.connect()
    employment.connect()
    feedback.connect()
    goals.connect()
    competences.connect()
    certificates.connect()
    meeting_figures.register()
    meetings.connect()
    notify.connect()
    privacy_messages.init()
    push.connect()
    reports.connect()
    voice.connect()
    # What staff may do decides which links pages offer.
    app.jinja_env.globals["grantable_roles"] = policy.grantable_roles


def _init_templates(app: Flask) -> None:
    from portal import i18n
    from portal.forms import field_attrs, widget

    i18n.install_template_gettext(app)

    def unread_messages() -> int:
        from portal.notify.services import unread_count

        return unread_count(current_user)

    app.jinja_env.globals["unread_messages"] = unread_messages

    helpers = speed.template_helpers(app)
    app.jinja_env.globals.update(helpers)

    @app.context_processor
    def real_user():
        # The user object itself, not Flask-Login's proxy: templates read it many times. And
        # the CSRF token as speed keeps it: Flask-WTF's own context processor puts
        # generate_csrf into every page's context, over the global (about 8 µs a call; a page
        # of forms calls it ten times). Links with the request's script root read once.
        return {"current_user": current_user._get_current_object(),
                "csrf_token": helpers["csrf_token"], "url_for": helpers["url_for"].for_page()}

    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        text_direction=i18n.text_direction, html_lang=i18n.html_lang, bdi=i18n.bdi,
        unchecked=i18n.unchecked,
        get_locale=get_locale, format_date=i18n.format_date,
        format_datetime=i18n.format_datetime, field_attrs=field_attrs, widget=widget,
        format_local=i18n.format_local, format_day=i18n.format_day,
        local_time=i18n.format_local_time, now=utcnow)
    app.jinja_env.filters["clock"] = i18n.format_clock
    app.jinja_env.filters["listing"] = i18n.listing
    app.jinja_env.filters["isolate_ltr"] = i18n.isolate_ltr
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.add_extension(speed.SharedFragments)
    speed.plain_template_globals(app.jinja_env)
    app.jinja_env.context_class = speed.TemplateContext
    app.jinja_env.lstrip_blocks = True
