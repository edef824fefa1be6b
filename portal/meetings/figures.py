"""Which changes of meetings feed the figures the reports keep (portal.figures): a meeting
that was not cancelled makes its participant active in its month."""

from portal import figures
from portal.meetings.models import Booking


def _booking(change: figures.Change, touched: figures.Touched, _connection) -> None:
    if change.changed("status", "starts_at", "participant_id", "site_id"):
        touched.met |= {(site, user, at) for site in change.values("site_id")
                        for user in change.values("participant_id")
                        for at in change.values("starts_at")}


def register() -> None:
    figures.watch(Booking, _booking)
