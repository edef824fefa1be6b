"""flask commands: create-admin, seed-demo, send-notifications, send-reminders, backup,
reports-rebuild, translate (extract / update / compile)."""

import subprocess
import sys

import click
from flask import current_app
from sqlalchemy import select

from portal import demo, work
from portal.accounts import services
from portal.accounts.models import Site
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import LANGUAGES, force_locale

# Babel writes a wrong Arabic Plural-Forms header (forms 4 and 5 swapped against CLDR).
ARABIC_PLURALS = ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
                  "n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5);")


def init_app(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
    app.cli.add_command(send_notifications)
    app.cli.add_command(send_reminders)
    app.cli.add_command(backup)
    app.cli.add_command(apply_retention)
    app.cli.add_command(reports_rebuild)


@click.command("create-admin")
@click.option("--name", prompt=True, help="Display name")
@click.option("--login", prompt="E-mail or phone number", help="E-mail or phone number")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--site", "site_name", default="", help="Meeting place (created if missing)")
@click.option("--country", type=click.Choice(["NO", "SE", "DK"]), default="NO")
@click.option("--timezone", default="Europe/Oslo")
def create_admin(name, login, password, site_name, country, timezone):
    """Make the first administrator (or make an existing user an administrator)."""
    site = db.session.scalar(select(Site).where(Site.name == site_name)) if site_name else \
        db.session.scalar(select(Site).order_by(Site.id).limit(1))
    try:
        with work.unit():
            if site is None:
                site = services.save_site(None, site_name or "Bro", country, timezone, "")
            user = services.create_admin(name, login, password, site)
    except DomainError as error:
        with force_locale("en"):  # the command's other output is English too
            raise click.ClickException(str(error.message)) from None
    click.echo(f"{user.display_name} is an administrator at {site.name}.")


@click.command("seed-demo")
@click.option("--participants", default=200, show_default=True)
@click.option("--scale", default=1, show_default=True,
              help="Multiply participants and activities (for benchmarks).")
def seed_demo(participants, scale):
    """Fill an empty database with demo data and print one login per role."""
    with work.unit():
        created = demo.seed(participants * scale, scale=scale)
    if created:
        click.echo("Demo data created.")
    else:
        click.echo("The database has data already; nothing was added.")
    click.echo(f"Demo logins (demo only), password for all: {demo.DEMO_PASSWORD}")
    for _name, email, _language, role, _site in demo.DEMO_LOGINS:
        click.echo(f"  {role.value:<12} {email}")


@click.command("reports-rebuild")
def reports_rebuild():
    """Recount the figures the reports keep (after bulk imports or restoring rows by hand)."""
    from portal.reports.services import recount

    with work.unit():
        circles = recount()
    click.echo(f"Report figures recounted ({circles} study circles).")


@click.command("send-notifications")
def send_notifications():
    """Send e-mails still waiting in the outbox (for cron, e.g. every 5 minutes)."""
    from portal.notify.services import deliver_emails

    click.echo(f"{deliver_emails(limit=1000)} e-mail(s) sent.")


@click.command("send-reminders")
def send_reminders():
    """Remind participants of meetings (24 h and 2 h before; for cron, every 5 minutes).
    Safe to run often and in several processes at once: nothing is sent twice."""
    from portal.meetings.reminders import send_reminders as send

    click.echo(f"{send()} reminder(s) queued.")


@click.command("apply-retention")
def apply_retention():
    """Warn participants inactive for RETENTION_INACTIVE_DAYS; erase those warned
    RETENTION_WARNING_DAYS ago who did not come back (for cron, e.g. daily)."""
    from portal.privacy.retention import apply

    warned, erased = apply()  # a unit of work per person
    click.echo(f"{warned} warned, {erased} erased.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup(target):
    """Copy the SQLite database to TARGET while Bro keeps running (SQLite's online backup:
    a consistent copy even during writes). For PostgreSQL use pg_dump (see the README)."""
    import sqlite3

    if db.engine.dialect.name != "sqlite":
        raise click.ClickException("This database is PostgreSQL: back it up with pg_dump "
                                   "(pg_dump --format=custom --file=bro.dump DATABASE_URL).")
    source = db.engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            source.driver_connection.backup(copy)
        copy.close()
    finally:
        source.close()
    click.echo(f"Backed up to {target}.")


@click.group()
def translate():
    """Translation workflow: extract → update → (translate the .po files) → compile."""


def _pybabel(*args: str) -> None:
    # Fixed program and arguments from this module, never user input.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


def _paths():
    root = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
    return root, f"{root}/messages.pot"


@translate.command()
def extract():
    """Collect every translatable string from portal/ and templates/ into messages.pot."""
    root, pot = _paths()
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_ngettext:1,2",
             "-k", "lazy_pgettext:1c,2",
             "--no-location", "--sort-output", "--project", "Bro", "-o", pot, ".")


@translate.command()
def update():
    """Extract, then merge new strings into every language's catalog."""
    root, pot = _paths()
    extract.callback()
    for language in LANGUAGES:
        _pybabel("update", "-i", pot, "-d", root, "-l", language, "--no-fuzzy-matching",
                 "--ignore-obsolete")
    fix_arabic_header(f"{root}/ar/LC_MESSAGES/messages.po")
    fill_english(f"{root}/en/LC_MESSAGES/messages.po")


@translate.command(name="compile")
def compile_catalogs():
    """Compile the .po files into .mo files (done by setup; .mo files are not committed)."""
    root, _pot = _paths()
    _pybabel("compile", "-d", root, "--statistics")


def fix_arabic_header(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith('"Plural-Forms:'))
    end = start
    while not lines[end].endswith('\\n"'):  # the header may wrap over several lines
        end += 1
    lines[start:end + 1] = [f'"Plural-Forms: {ARABIC_PLURALS}\\n"']
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def fill_english(path: str) -> None:
    """English is the source language: its catalog repeats each source string."""
    from babel.messages.pofile import read_po, write_po

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
