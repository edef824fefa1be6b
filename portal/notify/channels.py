"""The channel registry: how each channel reaches people and sends one delivery.

A channel's feature registers its sender in its hooks (e-mail: notify.hooks, through
notify.mail). The worker sends only deliveries of channels registered in its process, and
notify() makes deliveries only for channels that can reach the person now."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from portal.notify.models import Channel

if TYPE_CHECKING:
    from portal.notify.models import Delivery, Notification


class Recipient(Protocol):
    """What notify reads of a person (a User): notify keeps user ids, not the accounts model."""

    id: int
    email: str | None
    phone: str | None
    phone_confirmed: str | None  # the number SMS may go to (the person proved it is theirs)
    language: str
    timezone: str
    erased_at: datetime | None


@dataclass(frozen=True)
class Receipt:
    """What a provider answered for a message it took."""

    provider_id: str | None = None
    segments: int | None = None  # SMS


class Skip(Exception):  # noqa: N818  (an outcome, not an error)
    """Nothing to send any more (no address, not configured): the delivery is skipped."""


class Refused(Exception):  # noqa: N818
    """The provider refused this message for good (a bad number or address): no retry."""


@dataclass(frozen=True)
class Sender:
    # Sends one delivery in the recipient's language; returns a Receipt, or raises Skip,
    # Refused, or anything else for "try again later" (a timeout, a 5xx).
    send: Callable[["Delivery", "Notification", Recipient], Receipt | None]
    # Of these people, the ids of those it can reach now (an address, a confirmed number, a
    # subscribed device): called for everyone a notification goes to, so one query at most.
    reaches: Callable[[list[Recipient]], set[int]]
    configured: Callable[[], bool] = lambda: True
    quiet_at_night: bool = False  # SMS and push wait for the morning (portal.notify.quiet)


SENDERS: dict[Channel, Sender] = {}


def register(channel: Channel, sender: Sender) -> None:
    SENDERS[channel] = sender


def available(channel: Channel) -> bool:
    """Whether this Bro sends by the channel at all (registered and configured)."""
    sender = SENDERS.get(channel)
    return sender is not None and sender.configured()


def reachable(people: Iterable[Recipient]) -> dict[Channel, set[int]]:
    """For each channel available now, who of these people it can reach."""
    people = list(people)
    return {channel: sender.reaches(people) for channel, sender in SENDERS.items()
            if people and sender.configured()}
