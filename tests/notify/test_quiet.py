"""Quiet hours, computed by hand: Oslo is UTC+1 in winter and UTC+2 in summer; in 2027 the
clocks go forward on Sunday 28 March (02:00 → 03:00) and back on Sunday 31 October
(03:00 → 02:00), both at 01:00 UTC."""

from datetime import UTC, datetime

import pytest

from portal.notify.quiet import change_starts, held_until

OSLO = "Europe/Oslo"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("now", "until"), [
    (utc(2027, 1, 13, 19, 59), None),  # 20:59 in Oslo: not yet
    (utc(2027, 1, 13, 20, 0), utc(2027, 1, 14, 7, 0)),  # 21:00 → 08:00 next morning
    (utc(2027, 1, 13, 22, 30), utc(2027, 1, 14, 7, 0)),  # 23:30
    (utc(2027, 1, 14, 1, 0), utc(2027, 1, 14, 7, 0)),  # 02:00: the same morning
    (utc(2027, 1, 14, 6, 59), utc(2027, 1, 14, 7, 0)),  # 07:59: one minute to wait
    (utc(2027, 1, 14, 7, 0), None),  # 08:00
    (utc(2027, 6, 15, 20, 0), utc(2027, 6, 16, 6, 0)),  # summer: 22:00 CEST → 08:00 CEST
    (utc(2027, 6, 15, 18, 59), None),  # 20:59 CEST
])
def test_no_ringing_between_nine_in_the_evening_and_eight_in_the_morning(now, until):
    assert held_until(now, OSLO) == until


def test_the_night_the_clocks_go_forward_is_an_hour_shorter():
    evening = utc(2027, 3, 27, 21, 0)  # Saturday 22:00 CET
    assert held_until(evening, OSLO) == utc(2027, 3, 28, 6, 0)  # Sunday 08:00 CEST
    assert (held_until(evening, OSLO) - evening).total_seconds() == 9 * 3600
    assert held_until(utc(2027, 3, 28, 1, 30), OSLO) == utc(2027, 3, 28, 6, 0)  # 03:30 CEST


def test_the_night_the_clocks_go_back_is_an_hour_longer():
    evening = utc(2027, 10, 30, 20, 0)  # Saturday 22:00 CEST
    assert held_until(evening, OSLO) == utc(2027, 10, 31, 7, 0)  # Sunday 08:00 CET
    assert (held_until(evening, OSLO) - evening).total_seconds() == 11 * 3600
    # 02:30 comes twice that night (first CEST, then CET): both wait for the same 08:00.
    assert held_until(utc(2027, 10, 31, 0, 30), OSLO) == utc(2027, 10, 31, 7, 0)
    assert held_until(utc(2027, 10, 31, 1, 30), OSLO) == utc(2027, 10, 31, 7, 0)


@pytest.mark.parametrize(("now", "starts", "until"), [
    # At 23:00 on Wednesday, a change to Thursday 11:59 goes now; to Thursday 12:00 it waits.
    (utc(2027, 1, 13, 22, 0), utc(2027, 1, 14, 10, 59), None),
    (utc(2027, 1, 13, 22, 0), utc(2027, 1, 14, 11, 0), utc(2027, 1, 14, 7, 0)),
    # After midnight, "the next day" is the morning that ends this night: Thursday still.
    (utc(2027, 1, 14, 1, 0), utc(2027, 1, 14, 8, 0), None),
    (utc(2027, 1, 14, 1, 0), utc(2027, 1, 15, 8, 0), utc(2027, 1, 14, 7, 0)),
    # Something later tonight, or already begun: now.
    (utc(2027, 1, 13, 20, 30), utc(2027, 1, 13, 20, 45), None),
    # The morning after the clocks go forward: noon is 10:00 UTC.
    (utc(2027, 3, 27, 21, 0), utc(2027, 3, 28, 9, 59), None),
    (utc(2027, 3, 27, 21, 0), utc(2027, 3, 28, 10, 0), utc(2027, 3, 28, 6, 0)),
])
def test_a_change_to_something_before_noon_tomorrow_goes_at_once(now, starts, until):
    assert held_until(now, OSLO, starts) == until


def test_a_change_counts_from_the_earlier_of_its_old_and_new_time():
    moved = {"starts_at": "2027-01-20T17:00:00+00:00",
             "old_starts_at": "2027-01-14T08:00:00+00:00"}
    assert change_starts(moved) == utc(2027, 1, 14, 8, 0)
    assert held_until(utc(2027, 1, 13, 22, 0), OSLO, change_starts(moved)) is None
    assert change_starts({"title": "no time"}) is None


def test_other_zones_use_their_own_clock():
    # 21:30 in Oslo is 20:30 in London: quiet in Oslo, not in London.
    assert held_until(utc(2027, 1, 13, 20, 30), "Europe/London") is None
    assert held_until(utc(2027, 1, 13, 20, 30), OSLO) == utc(2027, 1, 14, 7, 0)
