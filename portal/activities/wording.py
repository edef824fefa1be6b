"""What an activity's page says to the person about taking part, in two voices.

A women-only activity speaks to women. Where a language addresses a woman in other forms
(Arabic: «انضمّي», «لقد انضممتِ»; Ukrainian's past tense), its catalog translates these
sentences a second time under the message context "women" (msgctxt): the same English, a
translation of its own. Languages that do not mark it (nb, sv, da, fa_AF) translate both
alike. Every sentence is written out in both voices below, not picked by a variable context,
so that extraction finds each one and a missing feminine translation fails tests/test_i18n.py
like any other.

Study circles speak of "the circle"; dialogue seminars and workshops of "your place"."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import has_request_context
from flask_babel import get_locale

from portal.activities.models import Activity
from portal.i18n import _, ngettext, npgettext, pgettext


@dataclass(frozen=True)
class Wording:
    join: str
    join_waiting_list: str
    joined: str  # said once joined (a message after the change)
    in_it: str  # "You are in this circle."
    leave: str
    left: str
    waiting: Callable[[int], str]  # "You are number 3 on the waiting list."
    full: Callable[[int], str]  # said on joining a full activity
    leave_waiting_list: str
    drop_in: str
    follow: str
    followed: str
    following: str
    stop_following: str
    unfollowed: str
    log_in: str


_MADE: dict[tuple, Wording] = {}  # (language, women only, circle): a dozen at most


def wording(activity: Activity) -> Wording:
    """The sentences depend only on the page's language and the activity's voice and kind:
    made once per process for each, not 17 catalog look-ups per page (about 0.3 ms of the
    activity page's 5). The sentences with a number are functions, translated when called."""
    if not has_request_context():
        return _make(activity.women_only, activity.is_circle)
    key = (str(get_locale()), activity.women_only, activity.is_circle)
    made = _MADE.get(key)
    if made is None:
        made = _MADE[key] = _make(activity.women_only, activity.is_circle)
    return made


def _make(women_only: bool, circle: bool) -> Wording:
    return _to_women(circle) if women_only else _plain(circle)


def _plain(circle: bool) -> Wording:
    return Wording(
        join=_("Join"), join_waiting_list=_("Join the waiting list"),
        joined=_("You have joined. Welcome!"),
        in_it=_("You are in this circle.") if circle else _("You have a place."),
        leave=_("Leave the circle") if circle else _("Give up your place"),
        left=_("You have left. You can join again at any time."),
        waiting=lambda num: ngettext("You are number %(num)d on the waiting list.",
                                     "You are number %(num)d on the waiting list.", num),
        full=lambda num: ngettext(
            "The circle is full. You are number %(num)d on the waiting list.",
            "The circle is full. You are number %(num)d on the waiting list.", num)
        if circle else ngettext("It is full. You are number %(num)d on the waiting list.",
                                "It is full. You are number %(num)d on the waiting list.", num),
        leave_waiting_list=_("Leave the waiting list"),
        drop_in=_("Just come: you do not need to sign up. Follow the café to see its sessions "
                  "on your page."),
        follow=_("Follow"), following=_("You follow this café."),
        followed=_("You follow this café. Its sessions show on your page."),
        stop_following=_("Stop following"), unfollowed=_("You no longer follow this café."),
        log_in=_("Log in to join"))


def _to_women(circle: bool) -> Wording:
    return Wording(
        join=pgettext("women", "Join"),
        join_waiting_list=pgettext("women", "Join the waiting list"),
        joined=pgettext("women", "You have joined. Welcome!"),
        in_it=pgettext("women", "You are in this circle.") if circle
        else pgettext("women", "You have a place."),
        leave=pgettext("women", "Leave the circle") if circle
        else pgettext("women", "Give up your place"),
        left=pgettext("women", "You have left. You can join again at any time."),
        waiting=lambda num: npgettext("women", "You are number %(num)d on the waiting list.",
                                      "You are number %(num)d on the waiting list.", num),
        full=lambda num: npgettext(
            "women", "The circle is full. You are number %(num)d on the waiting list.",
            "The circle is full. You are number %(num)d on the waiting list.", num)
        if circle else npgettext(
            "women", "It is full. You are number %(num)d on the waiting list.",
            "It is full. You are number %(num)d on the waiting list.", num),
        leave_waiting_list=pgettext("women", "Leave the waiting list"),
        drop_in=pgettext("women", "Just come: you do not need to sign up. Follow the café to "
                                  "see its sessions on your page."),
        follow=pgettext("women", "Follow"), following=pgettext("women", "You follow this café."),
        followed=pgettext("women", "You follow this café. Its sessions show on your page."),
        stop_following=pgettext("women", "Stop following"),
        unfollowed=pgettext("women", "You no longer follow this café."),
        log_in=pgettext("women", "Log in to join"))
