"""Meetings: participants book a coach or mentor; staff publish availability and keep an agenda.
Participants reach only their own meetings, hosts theirs, coordinators their site's (404)."""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from portal import work
from portal.audit.services import note_read
from portal.errors import DomainError
from portal.extensions import utcnow
from portal.forms import attach_error, show_form
from portal.i18n import _, day_formatter, ngettext, weekday_names
from portal.meetings import services
from portal.meetings.calendar import booking_ical
from portal.meetings.forms import (
    AvailabilityForm,
    BookForm,
    CancelBookingForm,
    EditAvailabilityForm,
    ExtraForm,
    StaffCancelForm,
    TimeOffForm,
    WindowForm,
    interpreter_name,
)
from portal.meetings.models import (
    MODE_NAMES,
    STATUS_NAMES,
    Availability,
    Booking,
    BookingStatus,
)
from portal.speed import blank_form
from portal.web import ics_response, redirect, render

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def names() -> dict:
    """The names meeting pages show (modes, weekdays, statuses) in the page's language."""
    return _names(str(get_locale()))


@cache
def _names(language: str) -> dict:
    # The same for everyone reading a language: made once per language, not on every page
    # (about 0.15 ms of lazy-string and CLDR look-ups). Templates only read them.
    return {"mode_names": {k: str(v) for k, v in MODE_NAMES.items()},
            "weekday_names": weekday_names(),
            "interpreter_name": interpreter_name,
            "status_names": {k: str(v) for k, v in STATUS_NAMES.items()}}


def _booking(booking_id: int) -> Booking:
    return services.visible_booking(current_user, booking_id) or abort(404)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# -- participant -----------------------------------------------------------------------------

@bp.get("")
@login_required
def index():
    coming, past = services.my_bookings(current_user)
    return render("meetings/index.html", coming=coming, past=past,
                  is_staff=bool(services.staff_sites(current_user)), **names())


def _site():
    return services.booking_site(current_user) or abort(404)


def _slot_page(site, host_id, day, move_booking=None, availability=None):
    """Free times day by day: chips for the days that have any, the chosen day's times."""
    free = services.free_days(current_user, site, host_id, day,
                              ignore_booking=move_booking.id if move_booking else None,
                              availability=availability)
    return {"site": site, "days": free.counts, "day": free.day, "slots": free.slots,
            "host_id": host_id, "booking": move_booking, **_chip_labels(free.counts)}


def _chip_labels(counts: dict[date, int]) -> dict:
    """What the day chips say, made once per page: each date through one formatter (the
    page's language looked up once, not once a chip) and each "n free times" once per
    number (a few numbers for 20 or so chips). About 5 µs a chip less each (the times page:
    13 chips in the demo)."""
    return {"chip_day": day_formatter(),
            "chip_count": {count: Markup(  # noqa: S704  our own catalog text and a number
                ngettext("%(num)d free time", "%(num)d free times", count))
                for count in set(counts.values())}}


@bp.get("/book")
@login_required
def book():
    site = _site()
    availability = services.offered(site)
    hosts = services.hosts_at(site, availability)
    wanted = request.args.get("host", "")
    host_id = int(wanted) if wanted.isdigit() and int(wanted) in {h.id for h in hosts} else None
    chosen = wanted == "any" or host_id is not None
    context = _slot_page(site, host_id, _day(request.args.get("day")),
                         availability=availability) if chosen else {
        "site": site, "days": {}, "day": None, "slots": [], "host_id": None, "booking": None}
    return render("meetings/book.html", "meetings/_slots.html", hosts=hosts, chosen=chosen,
                  host_param=wanted if chosen else "", **context, **names())


def _show_confirm(key, form, slot=None, error=None, alternatives=()):
    return show_form("meetings/confirm.html", "meetings/_confirm_form.html", form, error,
                     key=key, slot=slot, alternatives=alternatives, **names())


@bp.get("/book/<key>")
@login_required
def confirm(key):
    slot = services.slot_for(key, current_user)
    form = BookForm(formdata=None)
    if slot is None:
        return _show_confirm(key, form, error=DomainError(_(
            "This time is not free any more. Please choose another.")))
    return _show_confirm(key, form, slot)


@bp.post("/book/<key>")
@login_required
def create(key):
    form = BookForm()
    if not form.validate():
        return _show_confirm(key, form, services.slot_for(key, current_user))
    try:
        booking = services.book(current_user, key, form.topic.data or "",
                                form.interpreter.data or "")
    except services.SlotTaken as error:
        work.roll_back()  # nothing to keep: let go of the calendars before the look-ups
        return _show_confirm(key, form, None, error, error.alternatives)
    except DomainError as error:
        work.roll_back()
        return _show_confirm(key, form, services.slot_for(key, current_user), error)
    flash(_("Your meeting is booked. We have sent you a confirmation."), "success")
    return redirect(url_for("meetings.show", booking_id=booking.id))


def _show_booking(booking, cancel_form=None, status=200):
    staff = services.can_manage(current_user, booking)
    form = cancel_form or (StaffCancelForm(formdata=None) if staff and
                           booking.participant_id != current_user.id
                           else CancelBookingForm(formdata=None))
    return render("meetings/show.html", status=status, booking=booking,
                  cancel_form=form, staff=staff and booking.participant_id != current_user.id,
                  can_change=services.can_change(current_user, booking),
                  deadline=services.change_deadline(booking),
                  started=booking.starts_at <= utcnow(), **names())


@bp.get("/<int:booking_id>")
@login_required
def show(booking_id):
    booking = _booking(booking_id)
    if booking.participant_id != current_user.id:  # staff reading a participant's meeting
        note_read(current_user, "meeting.view", "booking", booking.id)
    return _show_booking(booking)


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id):
    booking = _booking(booking_id)
    staff = services.can_manage(current_user, booking) and \
        booking.participant_id != current_user.id
    form = StaffCancelForm() if staff else CancelBookingForm()
    if not form.validate():
        return _show_booking(booking, form, 422)
    try:
        services.cancel(current_user, booking, form.reason.data or "")
    except DomainError as error:
        attach_error(form, error)
        return _show_booking(booking, form, 422)
    flash(_("The meeting is cancelled. The other person has been told."), "info")
    return redirect(url_for("meetings.agenda" if staff else "meetings.index"))


@bp.get("/<int:booking_id>/move")
@login_required
def move(booking_id):
    booking = _booking(booking_id)
    if booking.participant_id != current_user.id or not services.can_change(current_user,
                                                                               booking):
        abort(404)
    context = _slot_page(booking.site, booking.host_id, _day(request.args.get("day")),
                         move_booking=booking)
    return render("meetings/move.html", "meetings/_slots.html", host_param=booking.host_id,
                  **context, **names())


@bp.post("/<int:booking_id>/move/<key>")
@login_required
def move_to(booking_id, key):
    booking = _booking(booking_id)
    try:
        services.move(current_user, booking, key)
    except services.SlotTaken as error:
        work.refuse()
        flash(str(error.message), "error")
        return redirect(url_for("meetings.move", booking_id=booking.id))
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
        return redirect(url_for("meetings.show", booking_id=booking.id))
    flash(_("Your meeting has a new time. Your contact person has been told."), "success")
    return redirect(url_for("meetings.show", booking_id=booking.id))


@bp.get("/<int:booking_id>.ics")
@login_required
def ics(booking_id):
    booking = _booking(booking_id)
    return ics_response(booking_ical(booking, request.host, current_user.id),
                        f"bro-meeting-{booking.id}.ics")


def _mark(booking_id: int, status: str, message: str):
    booking = _booking(booking_id)
    try:
        services.mark(current_user, booking, status)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
    else:
        flash(message, "success")
    if request.args.get("back") == "agenda":
        return redirect(url_for("meetings.agenda"))
    return redirect(url_for("meetings.show", booking_id=booking.id))


@bp.post("/<int:booking_id>/held")
@login_required
def held(booking_id):
    return _mark(booking_id, BookingStatus.HELD, _("Marked as held."))


@bp.post("/<int:booking_id>/no-show")
@login_required
def no_show(booking_id):
    return _mark(booking_id, BookingStatus.NO_SHOW, _("Marked: the participant did not come."))


# -- staff: agenda ---------------------------------------------------------------------------

def _agenda_groups(bookings: list[Booking], zone: ZoneInfo, now: datetime):
    today = now.astimezone(zone).date()
    week_end = today + timedelta(days=6 - today.weekday())
    groups = {"to_mark": [], "today": [], "week": [], "later": []}
    for booking in bookings:
        day = booking.starts_at.astimezone(zone).date()
        if booking.starts_at <= now:
            if booking.status == BookingStatus.BOOKED:
                groups["to_mark"].append(booking)
            elif day == today:
                groups["today"].append(booking)
        elif day == today:
            groups["today"].append(booking)
        elif day <= week_end:
            groups["week"].append(booking)
        else:
            groups["later"].append(booking)
    groups["to_mark"].reverse()
    return groups


@bp.get("/agenda")
@login_required
def agenda():
    staff_sites = services.staff_sites(current_user)
    coordinated = services.coordinated_sites(current_user)
    if not staff_sites and not coordinated:
        abort(403)
    wanted = request.args.get("site", type=int)
    site = next((s for s in coordinated if s.id == wanted), None)
    if wanted and site is None:
        abort(404)
    zone = ZoneInfo((site or (staff_sites or coordinated)[0]).timezone)
    now = utcnow()
    bookings = services.agenda(current_user, site, now - timedelta(days=14),
                               now + timedelta(days=28))
    return render("meetings/agenda.html", site=site,
                  coordinated=coordinated, groups=_agenda_groups(bookings, zone, now),
                  **names())


# -- staff: availability ------------------------------------------------------------------------

def _staff_site():
    sites = services.staff_sites(current_user)
    wanted = request.args.get("site", type=int)
    site = next((s for s in sites if s.id == wanted), None) if wanted else (
        sites[0] if sites else None)
    return site or abort(403)


def _show_availability(form=None, off_form=None, status=200):
    """The blank days-off form is the same for everyone reading a language: built once per
    language (speed.blank_form; about 50 µs of building fields and labels a request)."""
    site = _staff_site()
    return render(
        "meetings/availability.html", "meetings/availability.html", status=status, site=site,
        sites=services.staff_sites(current_user),
        availability=services.my_availability(current_user),
        form=form or AvailabilityForm(formdata=None, valid_from=site.today()),
        off_form=off_form or blank_form(TimeOffForm), blank_form=form is None,
        blank_off_form=off_form is None, days_off=services.days_off(current_user), **names())


@bp.get("/availability")
@login_required
def availability():
    return _show_availability()


def _data(form) -> services.AvailabilityData:
    return services.AvailabilityData(
        mode=form.mode.data, place=form.place.data or "", languages=form.languages.data or "",
        slot_minutes=form.slot_minutes.data, buffer_minutes=form.buffer_minutes.data,
        valid_from=form.valid_from.data, valid_until=form.valid_until.data)


def _window(form) -> services.WindowData:
    return services.WindowData(form.weekdays.data, form.starts.data, form.ends.data)


def _submit(form, action, done, again):
    """Validate and run the service; then go on (`done`, a redirect) or show the form again
    with the errors beside its fields (`again`, a 422 page)."""
    if form.validate():
        try:
            result = action()
        except DomainError as error:
            attach_error(form, error)
        else:
            return done(result)
    return again()


@bp.post("/availability")
@login_required
def create_availability():
    site = _staff_site()
    form = AvailabilityForm()

    def published(_result):
        flash(_("Your free times are saved. Participants can book them now."), "success")
        return redirect(url_for("meetings.availability", site=site.id))

    return _submit(form, lambda: services.create_availability(
        current_user, site, _data(form), _window(form)), published,
        lambda: _show_availability(form=form, status=422))


def _own(availability_id: int) -> Availability:
    return services.own_availability(current_user, availability_id) or abort(404)


def _show_edit(availability_id, form=None, window_form=None, extra_form=None, status=200):
    """The page for changing one's own free times, read as plain rows (services.own_times)."""
    item = services.own_times(current_user, availability_id) or abort(404)
    return render(
        "meetings/edit_availability.html", "meetings/edit_availability.html", status=status,
        item=item, form=form or EditAvailabilityForm(formdata=None, obj=item),
        window_form=window_form or WindowForm(formdata=None),
        extra_form=extra_form or ExtraForm(formdata=None, prefix="extra"),
        blank_window_form=window_form is None, blank_extra_form=extra_form is None, **names())


@bp.get("/availability/<int:availability_id>")
@login_required
def edit_availability(availability_id):
    return _show_edit(availability_id)


@bp.post("/availability/<int:availability_id>")
@login_required
def update_availability(availability_id):
    item = _own(availability_id)
    form = EditAvailabilityForm()

    def saved(_result):
        flash(_("Saved. Meetings already booked keep their time."), "success")
        return _back_to(item)

    return _submit(form, lambda: services.update_availability(item, _data(form)), saved,
                   lambda: _show_edit(item.id, form=form, status=422))


def _back_to(item):
    return redirect(url_for("meetings.edit_availability", availability_id=item.id))


@bp.post("/availability/<int:availability_id>/windows")
@login_required
def add_window(availability_id):
    item = _own(availability_id)
    form = WindowForm()
    return _submit(form, lambda: services.add_window(item, _window(form)),
                   lambda _result: _back_to(item),
                   lambda: _show_edit(item.id, window_form=form, status=422))


@bp.post("/availability/<int:availability_id>/windows/<int:window_id>/remove")
@login_required
def remove_window(availability_id, window_id):
    item = _own(availability_id)
    services.remove_window(item, window_id)
    return _back_to(item)


@bp.post("/availability/<int:availability_id>/extras")
@login_required
def add_extra(availability_id):
    item = _own(availability_id)
    form = ExtraForm(prefix="extra")  # its fields sit beside the weekly time form's
    return _submit(form, lambda: services.add_extra(item, form.day.data, form.starts.data,
                                                    form.ends.data),
                   lambda _result: _back_to(item),
                   lambda: _show_edit(item.id, extra_form=form, status=422))


@bp.post("/availability/<int:availability_id>/extras/<int:extra_id>/remove")
@login_required
def remove_extra(availability_id, extra_id):
    item = _own(availability_id)
    services.remove_extra(item, extra_id)
    return _back_to(item)


@bp.post("/availability/<int:availability_id>/delete")
@login_required
def delete_availability(availability_id):
    services.delete_availability(_own(availability_id))
    flash(_("Removed. Meetings already booked stay in your agenda."), "info")
    return redirect(url_for("meetings.availability"))


@bp.post("/time-off")
@login_required
def add_time_off():
    _staff_site()
    form = TimeOffForm()

    def saved(booked):
        if booked:
            flash(_("Saved. You still have meetings on these days: please cancel them in your "
                    "agenda if you cannot meet."), "info")
        else:
            flash(_("Saved. Nobody can book you on these days."), "success")
        return redirect(url_for("meetings.availability"))

    return _submit(form, lambda: services.add_time_off(current_user, form.first_day.data,
                                                       form.last_day.data), saved,
                   lambda: _show_availability(off_form=form, status=422))


@bp.post("/time-off/<int:time_off_id>/remove")
@login_required
def remove_time_off(time_off_id):
    if not services.remove_time_off(current_user, time_off_id):
        abort(404)
    return redirect(url_for("meetings.availability"))
