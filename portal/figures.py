"""The figures the reports keep beside the raw rows, and which writes change them.

Reports read counts kept in their own tables — marks per session, who was active per site and
month, each study circle's course result — instead of counting every row for every report.
Those figures stay right only if every write that feeds them is recounted in the same
transaction. So one hook runs after every ORM flush and looks at each written object: when its
model is watched (`watch(Model, describe)`), the owning feature's `describe` says which kept
figures the change touches, in the words of `Touched`; then whoever keeps the figures (the
reports, connected to `touched`) recounts exactly those, from the raw rows. A write path cannot
be missed: the hook sees every flush, whichever service made it.

Each feature registers its own models, explicitly, from its `hooks.connect()`: the feature
knows what its rows mean; this module knows no feature.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from blinker import Namespace
from sqlalchemy import event, inspect

from portal.extensions import db

touched = Namespace().signal("figures-touched")
"""Sent after a flush that touched kept figures. sender: the flush's Connection; keyword
argument `touched`: the Touched."""


@dataclass
class Touched:
    """What a flush changed, as the keys of the kept figures it feeds."""

    marks: set[int] = field(default_factory=set)  # sessions whose attendance changed
    present: set[tuple[int, int]] = field(default_factory=set)  # (session, user) to look at
    moved: set[tuple[int, datetime]] = field(default_factory=set)  # (session, old/new start)
    met: set[tuple[int, int, datetime]] = field(default_factory=set)  # (site, user, start)
    sites: set[int] = field(default_factory=set)  # every month of these sites
    circles: set[int] = field(default_factory=set)  # activity ids
    circle_sessions: set[int] = field(default_factory=set)  # their circle, by session id
    people: set[int] = field(default_factory=set)  # their circles, by user id
    all_circles: bool = False

    def __bool__(self) -> bool:
        return self != Touched()


@dataclass(frozen=True)
class Change:
    """One written object, as a describer sees it."""

    obj: object
    new: bool = False
    gone: bool = False

    def values(self, name: str) -> set:
        """The attribute's values before and after the flush (one if it did not change)."""
        history = inspect(self.obj).attrs[name].history
        return {value for value in chain(history.deleted, history.unchanged, history.added)
                if value is not None}

    def changed(self, *names: str) -> bool:
        """Written now (made or deleted), or one of these attributes changed."""
        state = inspect(self.obj)
        return self.new or self.gone or any(state.attrs[name].history.has_changes()
                                            for name in names)

    def updated(self, *names: str) -> bool:
        """An existing row that stays, with one of these attributes changed."""
        return not (self.new or self.gone) and self.changed(*names)


Describe = Callable[[Change, Touched, object], None]  # (change, touched, connection)
_WATCHED: dict[type, Describe] = {}


def watch(model: type, describe: Describe) -> None:
    """Changes of `model` feed kept figures, as `describe` says."""
    _WATCHED[model] = describe


def watched() -> dict[type, Describe]:
    return dict(_WATCHED)


def _after_flush(session, _context) -> None:
    found = Touched()
    for objects, flags in ((session.new, {"new": True}), (session.dirty, {}),
                           (session.deleted, {"gone": True})):
        for obj in objects:
            describe = _WATCHED.get(type(obj))
            if describe is not None:
                describe(Change(obj, **flags), found, session.connection())
    if found:
        touched.send(session.connection(), touched=found)


def init_app(app) -> None:
    """Look at every flush of Bro's sessions (once per process, however many apps)."""
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
