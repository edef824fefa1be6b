"""What dialogue seminars and workshops do when a person is erased or asks for their data
(portal.signals). Connected by create_app through `connect()`.

Guests are not accounts: an organiser removes a guest on the organiser's page. An action's
"who" (and what was agreed, and the main points) is free text an organiser may have written
a participant's name into; the form asks for a service or a role instead. When a person is
erased, their name as Bro knew it is taken out of those texts wherever it stands (written
differently — a first name only — it cannot be told from someone else's and stays); My data
lists the actions whose "who" names the person."""

from sqlalchemy import func, or_, select

from portal import signals
from portal.activities import pages
from portal.dialogues import services
from portal.dialogues.models import Action, Point
from portal.extensions import db

ERASED = "–"


def connect() -> None:
    signals.person_erased.connect(erase_person)
    signals.data_requested.connect(personal_data)
    pages.add_part(page_part)


def page_part(user, activity):
    """The activity's page shows a dialogue seminar's or workshop's guests, questions, main
    points and actions (as far as this user may see them)."""
    if not activity.is_dialogue:
        return None
    return "dialogues/_summary.html", services.summary(user, activity)


def _naming(column, name: str):
    """Texts that may hold `name` in any case. SQLite's lower() knows only ASCII letters, so
    the usual spellings are looked for too (Ø, Å, Arabic); _without() then decides."""
    spellings = {name, name.lower(), name.upper(), name.title()}
    return or_(func.lower(column).contains(name.lower(), autoescape=True),
               *(column.contains(s, autoescape=True) for s in spellings))


def _without(text: str, name: str) -> str:
    """`text` with every occurrence of `name` (in any case) replaced."""
    lower, wanted, parts, start = text.lower(), name.lower(), [], 0
    while (found := lower.find(wanted, start)) >= 0:
        parts += [text[start:found], ERASED]
        start = found + len(name)
    return "".join(parts) + text[start:]


def erase_person(person, **_ignored) -> None:
    name = (person.display_name or "").strip()
    if len(name) < 2:  # "–" (erased before) or a single letter: nothing to look for
        return
    for item, columns in (*((a, ("who", "what")) for a in db.session.scalars(select(Action).where(
            _naming(Action.who, name) | _naming(Action.what, name)))),
            *((p, ("text",)) for p in db.session.scalars(select(Point).where(
                _naming(Point.text, name))))):
        for column in columns:
            setattr(item, column, _without(getattr(item, column), name))


def personal_data(person, **_ignored) -> dict:
    """data_requested: the section "agreed_actions" of My data (actions whose "who" names
    the person)."""
    name = (person.display_name or "").strip()
    actions = db.session.scalars(select(Action).where(_naming(Action.who, name))
                                 .order_by(Action.created_at)).all() if len(name) >= 2 else []
    return {"agreed_actions": [{"what": a.what, "who": a.who,
                                "by": a.due_on.isoformat() if a.due_on else None,
                                "done": a.done_at.isoformat() if a.done_at else None}
                               for a in actions]}
