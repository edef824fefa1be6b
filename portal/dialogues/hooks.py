"""What dialogue seminars and workshops do when a person is erased or asks for their data
(portal.signals). Connected by create_app through `connect()`.

Guests are not accounts: an organiser removes a guest on the organiser's page. An action's
"who" (and what was agreed, and the main points) is free text an organiser may have written
a participant's name into; the form asks for a service or a role instead. When a person is
erased, their name as Bro knew it is taken out of those texts wherever it stands (written
differently — a first name only — it cannot be told from someone else's and stays); My data
lists the actions whose "who" names the person."""

from sqlalchemy import bindparam, func, or_, select

from portal import signals, speed
from portal.activities import pages
from portal.dialogues import services
from portal.dialogues.models import Action, Point
from portal.extensions import db
from portal.speed import statement

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
    return or_(func.lower(column).contains(name.lower(), autoescape=True),
               *(column.contains(s, autoescape=True) for s in set(_spellings(name))))


def _spellings(name: str) -> tuple[str, ...]:
    return name, name.lower(), name.upper(), name.title()


def _like_escaped(text: str) -> str:
    """`text` as SQLAlchemy's autoescape sends it to LIKE … ESCAPE '/'."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


@statement
def _naming_actions():
    """`_naming(Action.who, name)` with the name's spellings as bind parameters (a spelling
    twice, as when the name is all small letters, finds nothing more)."""
    return (select(Action.what, Action.who, Action.due_on, Action.done_at)
            .where(or_(func.lower(Action.who).contains(bindparam("lower"), escape="/"),
                       *(Action.who.contains(bindparam(f"spelling_{n}"), escape="/")
                         for n in range(len(_spellings(""))))))
            .order_by(Action.created_at))


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
    the person), as plain rows from a statement built once per process: `_naming` with the
    spellings as bind parameters, escaped as its autoescape does."""
    name = (person.display_name or "").strip()
    actions = speed.rows(_naming_actions(), {
        "lower": _like_escaped(name.lower()),
        **{f"spelling_{n}": _like_escaped(s) for n, s in enumerate(_spellings(name))},
    }).all() if len(name) >= 2 else []
    return {"agreed_actions": [{"what": a.what, "who": a.who,
                                "by": a.due_on.isoformat() if a.due_on else None,
                                "done": a.done_at.isoformat() if a.done_at else None}
                               for a in actions]}
