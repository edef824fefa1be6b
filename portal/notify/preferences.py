"""Which channels carry which group of messages to a person: their own choice where they made
one, otherwise a sensible default. In the app is always on and not a choice."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from portal import speed, work
from portal.extensions import db
from portal.i18n import _l
from portal.notify import channels
from portal.notify.channels import Recipient
from portal.notify.models import SWITCHABLE, Channel, ChannelChoice, Group
from portal.speed import statement

# Groups that reach people beyond the app only with their permission (news: the consent
# for news, portal.privacy). Each takes user ids and returns those who gave it.
GATES: dict[Group, Callable[[list[int]], set[int]]] = {}


def gate(group: Group, permitted: Callable[[list[int]], set[int]]) -> None:
    GATES[group] = permitted


def permitted(user_ids: list[int], group: Group) -> set[int]:
    check = GATES.get(group)
    return set(user_ids) if check is None else check(user_ids)


def default(group: Group, channel: Channel, person: Recipient) -> bool:
    """E-mail for whoever has an address; SMS for a phone-only person (it costs money, so
    not for news); push wherever they subscribed a phone (subscribing is the choice)."""
    if channel == Channel.EMAIL:
        return bool(person.email)
    if channel == Channel.SMS:
        return not person.email and bool(person.phone) and group != Group.NEWS
    return True


def chosen(people: Iterable[Recipient], group: Group) -> dict[int, set[Channel]]:
    """The channels each person wants this group by (whether a channel can reach them is the
    channel's question). Two queries at most, however many people."""
    people = list(people)
    ids = [person.id for person in people]
    allowed = permitted(ids, group) if people else set()
    stored: dict[tuple[int, Channel], bool] = {}
    if group in SWITCHABLE and allowed:  # account messages: not the person's to turn off
        stored = {(user_id, channel): enabled for user_id, channel, enabled in
                  db.session.execute(select(ChannelChoice.user_id, ChannelChoice.channel,
                                            ChannelChoice.enabled).where(
                      ChannelChoice.user_id.in_(allowed),
                      ChannelChoice.message_group == group))}
    return {person.id: {channel for channel in Channel if person.id in allowed and stored.get(
        (person.id, channel), default(group, channel, person))} for person in people}


@dataclass(frozen=True)
class Cell:
    group: Group
    channel: Channel
    on: bool

    @property
    def name(self) -> str:
        """The form field's name."""
        return f"{self.group}-{self.channel}"


def grid(person: Recipient, allowed: set[Group] | None = None) -> dict[Group, list[Cell]]:
    """The settings page: every switchable group × channel as the person has it now (their
    choices as plain rows from a statement built once per process). `allowed`: the person's
    allowed_groups, when the caller has them already."""
    stored = {(group, channel): enabled for group, channel, enabled in
              speed.rows(_choices(), {"user_id": person.id})}
    allowed = allowed_groups(person) if allowed is None else allowed
    return {group: [Cell(group, channel, group in allowed and stored.get(
        (group, channel), default(group, channel, person))) for channel in Channel]
        for group in SWITCHABLE}


@statement
def _choices():
    return select(ChannelChoice.message_group, ChannelChoice.channel,
                  ChannelChoice.enabled).where(ChannelChoice.user_id == bindparam("user_id"))


def allowed_groups(person: Recipient) -> set[Group]:
    """The switchable groups the person may get beyond the app (the gates' answer)."""
    return {group for group in SWITCHABLE if person.id in permitted([person.id], group)}


def locked(person: Recipient, allowed: set[Group] | None = None) -> set[Group]:
    """Groups the person gets only in the app until they give a permission (news: consent)."""
    allowed = allowed_groups(person) if allowed is None else allowed
    return set(SWITCHABLE) - allowed


NOT_AVAILABLE = {  # shown after the channel's name
    Channel.EMAIL: _l("Not set up in this Bro."),
    Channel.SMS: _l("Not set up in this Bro."),
    Channel.PUSH: _l("Not available yet."),
}
NOT_REACHED = {
    Channel.EMAIL: _l("You have no e-mail address in Bro. You can add one on your profile."),
    Channel.SMS: _l("Bro cannot send SMS to you yet: add your phone number on your profile "
                    "and confirm it."),
    Channel.PUSH: _l("Turn on notices on this phone first."),
}


def notes(person: Recipient) -> dict[Channel, str]:
    """Why a channel cannot carry messages to the person now (no note: it can). Choices are
    kept either way, for when it can."""
    found = {}
    for channel in Channel:
        if not channels.available(channel):
            found[channel] = NOT_AVAILABLE[channel]
        elif person.id not in channels.SENDERS[channel].reaches([person]):
            found[channel] = NOT_REACHED[channel]
    return found


def save(person: Recipient, on: set[tuple[Group, Channel]]) -> None:
    """Keep the whole grid as the person's own choice (what they saw is what they chose): from
    now on the defaults no longer change it for them. Groups they may not get beyond the app
    (news without the consent) are not on the form and keep what they had."""
    # Two quick taps save at once. Lock the person's rows first (on SQLite: the write lock, so
    # what is read next is current); on PostgreSQL the very first save has no rows to lock
    # yet, and the second of two first saves finds the other's rows at its flush: it then
    # changes them instead.
    work.lock(update(ChannelChoice).where(ChannelChoice.user_id == person.id)
              .values(changed_at=ChannelChoice.changed_at)
              .execution_options(synchronize_session=False))
    try:
        with db.session.begin_nested():
            _write(person, on)
            db.session.flush()
    except IntegrityError:
        _write(person, on)


def _write(person: Recipient, on: set[tuple[Group, Channel]]) -> None:
    rows = {(choice.message_group, choice.channel): choice for choice in db.session.scalars(
        select(ChannelChoice).where(ChannelChoice.user_id == person.id))}
    for group in SWITCHABLE:
        if person.id not in permitted([person.id], group):
            continue
        for channel in Channel:
            enabled = (group, channel) in on
            row = rows.get((group, channel))
            if row is None:
                db.session.add(ChannelChoice(user_id=person.id, message_group=group,
                                             channel=channel, enabled=enabled))
            elif row.enabled != enabled:
                row.enabled = enabled
