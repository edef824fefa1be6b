"""The design card's stack, used the textbook way: a reference for "a logged-in page".

Flask + Flask-SQLAlchemy (SQLite) + Flask-Login + Flask-Babel + Flask-WTF's CSRF token +
a Jinja layout, and nothing of Bro: no security headers, no rate limiter, no htmx, no shared
page parts, no caches of our own. One route draws Bro's privacy notice (its template, its
sentences looked up in Bro's catalogs) for a logged-in user, the way each library's
documentation shows.
bench/run.sh runs it under the same gunicorn settings as hello-world and Bro, so the three
can be compared in one run: how much of the gap to hello-world is the stack's, how much Bro's.

    TEXTBOOK_DB=/tmp/textbook.sqlite3 gunicorn --pythonpath bench textbook:app
    curl -c jar http://127.0.0.1:8000/login   # a session cookie for user 1, then GET /
"""

import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, redirect, render_template, request
from flask_babel import Babel, get_locale
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader
from sqlalchemy.orm import Mapped, mapped_column

ROOT = Path(__file__).resolve().parent.parent

LAYOUT = """<!doctype html>
<html lang="{{ get_locale() }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} · Bro</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='css/app.css') }}">
  <script src="{{ url_for('static', filename='vendor/htmx.min.js') }}" defer></script>
</head>
<body>
  <a class="skip-link" href="#main">{{ _("Skip to content") }}</a>
  <header class="site-header">
    <a class="brand" href="{{ url_for('index') }}">Bro</a>
    <nav aria-label="{{ _('Main menu') }}">
      <ul>
        <li><a href="{{ url_for('index') }}">{{ _("My page") }}</a></li>
        <li><a href="{{ url_for('index') }}">{{ _("Activities") }}</a></li>
        <li><a href="{{ url_for('index') }}">{{ _("My plan") }}</a></li>
        <li><a href="{{ url_for('index') }}">{{ _("My meetings") }}</a></li>
        <li><a href="{{ url_for('index') }}">{{ _("Messages") }}</a></li>
        <li><a href="{{ url_for('index') }}">{{ _("Profile") }}</a></li>
        <li><form method="post" action="{{ url_for('index') }}">
          <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
          <button type="submit">{{ _("Log out") }}</button>
        </form></li>
      </ul>
    </nav>
    <p>{{ current_user.name }}</p>
  </header>
  <main id="main">{% block main %}{% endblock %}</main>
  <footer><p>{{ _("Bro means bridge in Norwegian, Swedish and Danish.") }}</p></footer>
</body>
</html>
"""


db = SQLAlchemy()
login_manager = LoginManager()


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    language: Mapped[str]


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


def select_locale():
    if current_user.is_authenticated:
        return current_user.language
    return request.accept_languages.best_match(["nb", "sv", "da", "ar", "en"]) or "nb"


def create_app() -> Flask:
    app = Flask(__name__, static_folder=str(ROOT / "static"))
    # Bro's privacy notice page on this layout instead of Bro's: the same template text.
    app.jinja_loader = ChoiceLoader([DictLoader({"layout.html": LAYOUT}),
                                     FileSystemLoader(ROOT / "templates")])
    database = os.environ.get("TEXTBOOK_DB") or os.path.join(tempfile.mkdtemp(), "textbook.sqlite3")
    app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
                      SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
                      BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"))
    db.init_app(app)
    login_manager.init_app(app)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    CSRFProtect(app)
    with app.app_context():
        db.create_all()
        if db.session.get(User, 1) is None:
            db.session.add(User(id=1, name="Amina Yusuf", language="nb"))
            db.session.commit()

    @app.get("/login")
    def login():  # benchmark only: logs in user 1 without a password
        login_user(db.session.get(User, 1))
        return redirect("/")

    @app.get("/")
    @login_required
    def index():
        return render_template("home/privacy.html", version="2026-1", min_age=15)

    return app


app = create_app()
