"""The named signals through which one feature has another act on the rows it owns.

A feature that needs something done to rows it does not own (a person erased, their data
asked for) sends a signal; each feature that owns such rows connects a handler. Handlers are
connected explicitly, in create_app, by each feature's `hooks.connect()` — never by importing
a module. They run inside the sender's unit of work (portal.work): they change the session
and flush, never commit, so the whole change stands or falls as one transaction.
"""

from blinker import Namespace

_signals = Namespace()

person_erased = _signals.signal("person-erased")
"""Sent by privacy.erase before the account itself is anonymised. sender: the User (still
with their name and contact details); keyword arguments: actor (the User who erases, or None
for the retention job) and now. Each handler removes or anonymises what its feature keeps
about the person, keeping the anonymous rows that reports count."""

data_requested = _signals.signal("data-requested")
"""Sent by privacy.my_data. sender: the User; keyword argument: sections (the names of the
sections the caller shows, or None for every one: the download). Each handler returns a dict
of sections ({"enrolments": [...], ...}) of plain data (str, int, bool, None, lists and
dicts) with everything its feature keeps about the person. A handler need not make the
sections not asked for (`asked` tells; the readable page shows about half of them, so it
runs half the statements); a section it makes is always whole."""

site_timezone_changed = _signals.signal("site-timezone-changed")
"""Sent by accounts.save_site when a meeting place's time zone changed. sender: the Site."""

profile_fields_asked = _signals.signal("profile-fields-asked")
"""Sent by accounts' profile page. sender: the User. Each handler returns a set of the
optional profile fields its feature needs asked of this person ("postcode", "gender" for a
funder's attendance list); the page shows only those."""


def asked_fields(user) -> set[str]:
    """profile_fields_asked, merged."""
    return set().union(*(found or set() for _r, found in profile_fields_asked.send(user)))


def asked(sections, *names: str) -> bool:
    """Whether any of `names` is among the sections asked for (None: every section)."""
    return sections is None or not sections.isdisjoint(names)


def collect(signal, sender, **kwargs) -> dict:
    """Send a signal whose handlers return dicts, and merge what they return, by name: the
    order handlers run in is blinker's, which changes from one process to the next (a set),
    and a person's download of their data should not. With `sections` (data_requested), only
    those, whatever a handler made beyond them."""
    merged: dict = {}
    for _receiver, sections in signal.send(sender, **kwargs):
        merged |= sections or {}
    wanted = kwargs.get("sections")
    return dict(sorted((name, section) for name, section in merged.items()
                       if wanted is None or name in wanted))
