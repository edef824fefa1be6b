"""What meetings do when another feature asks (portal.signals), and their messages: connected
once, explicitly, by create_app."""

from portal import signals
from portal.meetings import messages, services


def connect() -> None:
    messages.init()
    signals.person_erased.connect(_person_erased)
    signals.data_requested.connect(_data_requested)


def _person_erased(person, *, actor, now, **_kwargs) -> None:
    services.forget(person, actor, now)


def _data_requested(person, **_kwargs) -> dict:
    return {"meetings": services.data_of(person)}
