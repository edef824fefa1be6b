"""Parts other features add to an activity's page, below its description (the guests,
questions and agreed actions of a dialogue seminar, from portal.dialogues). A feature above
activities registers a part from its hooks.connect(); activities imports none of them."""

from collections.abc import Callable

# part(user, activity) → (template, value) to include, or None when it has nothing to show.
# The template finds the value as `part`.
Part = Callable[[object, object], tuple[str, object] | None]
_PARTS: list[Part] = []


def add_part(part: Part) -> None:
    if part not in _PARTS:  # create_app may run more than once (tests)
        _PARTS.append(part)


def parts(user, activity) -> list[tuple[str, object]]:
    return [shown for part in _PARTS if (shown := part(user, activity)) is not None]
