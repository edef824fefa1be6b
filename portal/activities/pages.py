"""Parts other features add to activities' pages: below an activity's description (the
guests, questions and agreed actions of a dialogue seminar, from portal.dialogues) and on a
meeting place's public page ("You asked — we did", from portal.voice). A feature above
activities registers a part from its hooks.connect(); activities imports none of them.

A part gives the template to include and the value it shows (the template finds it as
`part`), or None when it has nothing to show."""

from collections.abc import Callable

Part = Callable[..., tuple[str, object] | None]
_PARTS: list[Part] = []  # part(user, activity)
_PLACE_PARTS: list[Part] = []  # part(site)


def _add(parts: list[Part], part: Part) -> None:
    if part not in parts:  # create_app may run more than once (tests)
        parts.append(part)


def add_part(part: Part) -> None:
    _add(_PARTS, part)


def add_place_part(part: Part) -> None:
    _add(_PLACE_PARTS, part)


def parts(user, activity) -> list[tuple[str, object]]:
    return [shown for part in _PARTS if (shown := part(user, activity)) is not None]


def place_parts(site) -> list[tuple[str, object]]:
    return [shown for part in _PLACE_PARTS if (shown := part(site)) is not None]
