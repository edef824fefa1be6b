"""Browse activities; join, leave and follow; staff create activities and series."""

from dataclasses import fields
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from portal import work
from portal.accounts import policy
from portal.accounts import services as accounts
from portal.accounts.models import Role, Site, User
from portal.activities import attendance, calendar, pages, rules, services
from portal.activities.forms import (
    NAME_OPTION,
    ActivityForm,
    AdmitForm,
    CancelForm,
    CoLeaderForm,
    EditActivityForm,
    FilterForm,
    NoteForm,
    SeriesForm,
    SessionForm,
)
from portal.activities.models import KIND_NAMES, LEVEL_NAMES, Activity, ActivityStatus, Session
from portal.activities.wording import wording
from portal.audit.models import record
from portal.audit.services import note_read
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.forms import attach_error, normalise_text, show_form
from portal.i18n import _, bdi, local_formatter, ngettext
from portal.web import ics_response, redirect, render, wants_fragment

bp = Blueprint("activities", __name__, url_prefix="/activities")

_NAMES: dict[str, dict] = {}  # per language


def names() -> dict:
    """Kind and level names, translated once per language and process (not once per card, nor
    once per page: about 0.1 ms of a page)."""
    language = str(get_locale())
    made = _NAMES.get(language)
    if made is None:
        made = _NAMES[language] = {
            "kind_names": {kind: str(label) for kind, label in KIND_NAMES.items()},
            "level_names": {level: str(label) for level, label in LEVEL_NAMES.items()}}
    return made


def visible_activity(activity_id: int) -> Activity:
    """404 for activities that do not exist or that this user may not see (archived)."""
    activity = services.activity(activity_id)
    if activity is None or (activity.status == ActivityStatus.ARCHIVED
                            and not services.can_lead(current_user, activity)):
        abort(404)
    return activity


@bp.get("")
def index():
    sites = accounts.site_names()
    if _FILTER_NAMES.isdisjoint(request.args):  # no filter asked: the form is the blank one
        form, filters = None, services.Filters()
    else:
        form = _filter_form(request.args, sites)
        filters = _filters(form)
    return render("activities/index.html", "activities/_list.html", form=form,
                  blank_form=lambda: _filter_form(MultiDict(), sites),
                  site_key=tuple((site.id, site.name) for site in sites),
                  listing=services.browse_page(filters, request.args.get("page", 1, type=int)),
                  moment=local_formatter(), **names())


# The filter form's fields: a list asked for without any of them (the first visit, "next
# page") shows the blank form, drawn once per language and list of meeting places
# ({% shared %}, portal/speed.py) and not built at all: about 0.7 ms of the page's 4.8.
_FILTER_NAMES = frozenset(name for name, value in vars(FilterForm).items()
                          if isinstance(value, UnboundField))


def _filter_form(args, sites) -> FilterForm:
    form = FilterForm(args)
    form.site.choices = [SelectChoice("", _("All meeting places"))] + [
        SelectChoice(str(site.id), site.name, render_kw={"dir": "auto"}) for site in sites]
    form.validate()
    return form


def _filters(form: FilterForm) -> "services.Filters":
    return services.Filters(
        site_id=int(form.site.data) if (form.site.data or "").isdigit() else None,
        kind=form.kind.data or "", language=form.language.data or "",
        level=form.level.data or "",
        weekday=int(form.weekday.data) if (form.weekday.data or "").isdigit() else None,
        query=(form.q.data or "") if not form.q.errors else "",
        women_only=bool(form.women.data), childcare=bool(form.childcare.data),
        children_welcome=bool(form.children.data))


def _participation_context(activity: Activity) -> dict:
    """What the participation panel (and the page around it) needs. The person's enrolment,
    follow and the seats taken come in one statement, the leaders and co-leaders in one
    (services.taking_part, services.people): four to six statements fewer than reading them
    one by one as ORM objects."""
    people = services.people(activity)
    mine = services.taking_part(current_user, activity)
    enrolment = mine.enrolment
    return {
        "activity": activity, "enrolment": enrolment,
        "position": enrolment.position
        if enrolment is not None and enrolment.status == "waitlisted" else None,
        "following": mine.following,
        "seats_taken": mine.seats_taken,
        "people": people,
        "can_lead": services.can_lead(current_user, activity, people),
        "can_take_attendance": services.can_take_attendance(current_user, activity, people),
        "chooses_co_leaders": current_user.is_authenticated
        and policy.manages(current_user, activity.site_id),
        "attendance_until": utcnow() + attendance.OPENS_BEFORE,  # the session rows' lists
        "can_host": services.can_host(current_user, activity),
        "early": services.may_join_early(current_user, activity),
        "may_take_part": services.may_take_part(current_user, activity),
        "say": wording(activity),
        # Only an enrolled person is asked: their rule set is read for them alone.
        "asks_postcode": enrolment is not None and enrolment.status == "enrolled"
        and rules.lists(activity, "postcode"),
        "row_date": local_formatter("MMMMEEEEd"),  # the session rows' dates
        "row_zone": activity.site.timezone, "row_words": _row_words(),
    }


_ROW_WORDS: dict[str, dict] = {}  # per language


def _row_words() -> dict:
    """The words of a session row that are the same on every row, translated once per language
    and process (as the template's _() gives them: our own catalog text, not escaped), not
    three or four times a row (an activity page has up to 8 next and 4 earlier rows)."""
    language = str(get_locale())
    made = _ROW_WORDS.get(language)
    if made is None:
        made = _ROW_WORDS[language] = {key: Markup(text) for key, text in {  # noqa: S704
            "cancelled": _("Cancelled"), "add": _("Add to calendar"),
            "attendance": _("Attendance"), "change": _("Change")}.items()}
    return made


@bp.get("/<int:activity_id>")
def show(activity_id):
    activity = visible_activity(activity_id)
    context = _participation_context(activity)
    recent, status = context["can_take_attendance"], None
    if context["can_lead"] and activity.rule_set_id is not None:
        # The rows and the rules' scheduled sessions from one statement (not three)
        sessions, recent, scheduled = services.session_rows_and_schedule(activity, recent)
        status = rules.evaluate(activity, scheduled)
    else:
        sessions, recent = services.session_rows(activity, recent)
    hosts = services.hosts_of([s.id for s in sessions + recent]) if activity.is_cafe else {}
    return render("activities/show.html", "activities/_participation.html",
                  sessions=sessions, recent=recent, hosts=hosts, rules=status,
                  parts=pages.parts(current_user, activity),
                  **context, **names())


def _change(activity_id: int, action):
    """Run a join/leave/follow action. htmx gets the updated panel (which says what happened);
    a plain form post gets a message and goes back to the activity page."""
    activity = visible_activity(activity_id)
    try:
        message, category = action(activity)
    except DomainError as error:
        work.refuse()  # a rule said no: nothing of the attempt is kept
        message, category = str(error.message), "error"
        if not wants_fragment():
            flash(message, category)
            return redirect(url_for("activities.show", activity_id=activity.id))
    if wants_fragment():
        activity = db.session.get(Activity, activity_id)
        return render("activities/show.html", "activities/_participation.html",
                      error=message if category == "error" else None,
                      **_participation_context(activity), **names())
    flash(message, category)
    return redirect(url_for("activities.show", activity_id=activity.id))


@bp.post("/<int:activity_id>/join")
@login_required
def join(activity_id):
    def action(activity):
        enrolment = services.enrol(current_user, activity.id)
        if enrolment.status == "waitlisted":
            return wording(activity).full(services.waitlist_position(enrolment)), "info"
        return wording(activity).joined, "success"
    return _change(activity_id, action)


@bp.post("/<int:activity_id>/leave")
@login_required
def leave(activity_id):
    def action(activity):
        services.leave(current_user, activity.id)
        return wording(activity).left, "info"
    return _change(activity_id, action)


@bp.post("/<int:activity_id>/follow")
@login_required
def follow(activity_id):
    def action(activity):
        services.follow(current_user, activity)
        return wording(activity).followed, "success"
    return _change(activity_id, action)


@bp.post("/<int:activity_id>/unfollow")
@login_required
def unfollow(activity_id):
    def action(activity):
        services.unfollow(current_user, activity)
        return wording(activity).unfollowed, "info"
    return _change(activity_id, action)


# -- women only: a leader admits someone by name ----------------------------------------------

def _admissions(activity, form, error=None, status=200):
    found = []
    query = (request.args.get("q") or "").strip()[:80]
    if query:
        found = services.admission_candidates(current_user, activity, query)
    return render("activities/admit.html", status=status,
                  activity=activity, form=form, error=error, query=query, found=found,
                  admitted=services.admitted(activity))


def _women_only_led(activity_id: int) -> Activity:
    activity = _led_activity(activity_id)
    if not activity.women_only:
        abort(404)
    return activity


@bp.get("/<int:activity_id>/admit")
@login_required
def admissions(activity_id):
    return _admissions(_women_only_led(activity_id), AdmitForm(formdata=None))


@bp.post("/<int:activity_id>/admit")
@login_required
def admit(activity_id):
    activity = _women_only_led(activity_id)
    form = AdmitForm()
    if not form.validate():
        return _admissions(activity, form, status=422)
    try:
        admission = services.admit(current_user, activity, form.user_id.data)
    except DomainError as error:
        return _admissions(activity, form, str(error.message), status=422)
    flash(_("%(name)s can take part now, and has been told.",
            name=bdi(admission.user.display_name)), "success")
    return redirect(url_for("activities.admissions", activity_id=activity.id))


# -- staff -----------------------------------------------------------------------------------

def _staff_site() -> Site:
    """The meeting place a new activity belongs to: ?site=, else the first where one is staff."""
    sites = current_user.sites_where(Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
    wanted = request.args.get("site", type=int)
    site = next((s for s in sites if s.id == wanted), None) if wanted else (
        sites[0] if sites else None)
    if site is None and wanted and current_user.is_admin:
        site = db.session.get(Site, wanted)
    if site is None:
        abort(403)
    return site


def _show_new(form, site, error=None):
    return show_form("activities/new.html", "activities/_form.html", form, error, site=site)


@bp.get("/new")
@login_required
def new():
    site = _staff_site()
    return _show_new(ActivityForm(kind="study_circle", level="all"), site)


@bp.post("/new")
@login_required
def create():
    site = _staff_site()
    form = ActivityForm()
    if not form.validate():
        return _show_new(form, site)
    try:
        activity = services.create_activity(current_user, site, _activity_data(form))
    except DomainError as error:
        return _show_new(form, site, error)
    flash(_("The activity is created. Now add its sessions."), "success")
    return redirect(url_for("activities.series", activity_id=activity.id))


def _activity_data(form) -> "services.ActivityData":
    return services.ActivityData(
        kind=form.kind.data, title=form.title.data, description=form.description.data or "",
        languages=form.languages.data or "", level=form.level.data,
        place=form.place.data or "", capacity=form.capacity.data,
        women_only=form.women_only.data, childcare=form.childcare.data,
        children_welcome=form.children_welcome.data)


def _show_edit(form, activity, error=None):
    return show_form("activities/edit.html", "activities/_edit_form.html", form, error,
                     activity=activity)


def _edit_form(staff: list, **kwargs) -> EditActivityForm:
    form = EditActivityForm(**kwargs)
    form.leaders.choices = [SelectChoice(u.id, u.display_name) for u in staff]
    return form


# What the edit form shows of the activity itself (its leaders come from leader_choices).
_EDITED = [field.name for field in fields(services.ActivityData)] + ["status"]


@bp.get("/<int:activity_id>/edit")
@login_required
def edit(activity_id):
    """The form filled from the activity's values, not from the activity itself (obj=):
    WTForms would read `activity.leaders` for the leaders' field, a lazy load of ORM objects
    (about 0.3 ms) that leader_choices already answers. Ticked: the leaders among the staff
    shown (a leader who is no longer staff is not shown, so not ticked either)."""
    activity = _led_activity(activity_id)
    staff = services.leader_choices(activity)
    values = {name: getattr(activity, name) for name in _EDITED}
    form = _edit_form(staff, data={**values, "leaders": [u.id for u in staff if u.leads]})
    return _show_edit(form, activity)


@bp.post("/<int:activity_id>/edit")
@login_required
def update(activity_id):
    activity = _led_activity(activity_id)
    form = _edit_form(services.leader_choices(activity))
    if not form.validate():
        return _show_edit(form, activity)
    try:
        services.update_activity(current_user, activity.id, _activity_data(form),
                                 form.status.data, form.leaders.data)
    except DomainError as error:
        return _show_edit(form, activity, error)
    flash(_("The activity is saved."), "success")
    return redirect(url_for("activities.show", activity_id=activity.id))


def _led_activity(activity_id: int) -> Activity:
    activity = visible_activity(activity_id)
    if not services.can_lead(current_user, activity):
        abort(403)
    return activity


def _show_series(form, activity, error=None, planned=None):
    return show_form("activities/series.html", "activities/_series_form.html", form, error,
                     activity=activity, planned=planned)


@bp.get("/<int:activity_id>/series")
@login_required
def series(activity_id):
    """A fresh form: its fields are drawn once per language from `blank_form` (see
    _series_form.html), so no form is made for the page."""
    activity = _led_activity(activity_id)
    return render("activities/series.html", "activities/_series_form.html", form=None,
                  blank_form=SeriesForm, activity=activity, planned=None)


@bp.post("/<int:activity_id>/series")
@login_required
def add_series(activity_id):
    activity = _led_activity(activity_id)
    form = SeriesForm()
    if not form.validate():
        return _show_series(form, activity)
    try:
        planned = services.plan_series(
            activity.site, form.first_day.data, form.start.data, form.minutes.data,
            int(form.every_weeks.data), until=form.until.data, count=form.count.data)
        if "preview" in request.form:  # show the dates and holidays; nothing is saved
            return _show_series(form, activity, planned=planned)
        sessions = services.add_series(current_user, activity, planned,
                                       keep_holidays=form.holidays.data == "keep")
    except DomainError as error:
        return _show_series(form, activity, error)
    flash(ngettext("%(num)d session added.", "%(num)d sessions added.", len(sessions)),
          "success")
    return redirect(url_for("activities.show", activity_id=activity.id))


# -- one session: move, note, cancel ---------------------------------------------------------

def _led_session(session_id: int) -> Session:
    """Read with its activity, which the session then keeps (read on its own, the activity was
    read once more for the session's form and page: one statement fewer)."""
    session = db.session.get(Session, session_id, options=[joinedload(Session.activity)])
    if session is None:
        abort(404)
    _led_activity(session.activity_id)
    return session


def _session_form(session: Session) -> SessionForm:
    local = session.starts_at.astimezone(ZoneInfo(session.activity.site.timezone))
    return SessionForm(formdata=None, day=local.date(), start=local.time(),
                       minutes=int((session.ends_at - session.starts_at).total_seconds() // 60),
                       place=session.place, note=session.note)


def _show_session(session, form, cancel_form, error=None):
    return show_form("activities/session.html", "activities/_session_form.html", form, error,
                     other_forms=[cancel_form], session=session, activity=session.activity,
                     cancel_form=cancel_form)


@bp.get("/sessions/<int:session_id>")
@login_required
def edit_session(session_id):
    session = _led_session(session_id)
    return _show_session(session, _session_form(session), CancelForm(formdata=None))


@bp.post("/sessions/<int:session_id>")
@login_required
def update_session(session_id):
    session = _led_session(session_id)
    form = SessionForm()
    if not form.validate():
        return _show_session(session, form, CancelForm(formdata=None))
    try:
        services.move_session(current_user, session, form.day.data, form.start.data,
                              form.minutes.data, form.place.data or "", form.note.data or "")
    except DomainError as error:
        return _show_session(session, form, CancelForm(formdata=None), error)
    flash(_("The session is saved. Everyone who takes part is told about a new time or place."),
          "success")
    return redirect(url_for("activities.show", activity_id=session.activity_id))


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def cancel_session(session_id):
    session = _led_session(session_id)
    cancel_form = CancelForm()
    if not cancel_form.validate():
        return _show_session(session, _session_form(session), cancel_form)
    try:
        services.cancel_session(current_user, session, cancel_form.reason.data)
    except DomainError as error:
        attach_error(cancel_form, error)
        return _show_session(session, _session_form(session), cancel_form)
    flash(_("The session is cancelled. Everyone who takes part has been told."), "success")
    return redirect(url_for("activities.show", activity_id=session.activity_id))


# -- a session in a phone's calendar ------------------------------------------------------------

@bp.get("/sessions/<int:session_id>.ics")
def session_ics(session_id):
    session = db.session.get(Session, session_id)
    if session is None:
        abort(404)
    visible_activity(session.activity_id)
    return ics_response(calendar.ical(session.activity.title,
                                      [calendar.session_event(session, request.host)]),
                        f"bro-{session.id}.ics")


@bp.get("/places/<int:site_id>")
def place(site_id):
    """A meeting place's public page: open activities and the coming weeks' cafés."""
    site = db.session.get(Site, site_id) or abort(404)
    now = utcnow()
    return render("activities/place.html", site=site,
                  listing=services.browse_page(services.Filters(site_id=site.id),
                                               request.args.get("page", 1, type=int)),
                  cafe_weeks=calendar.by_week(services.cafe_sessions(
                      site, now, now + timedelta(weeks=3))),
                  parts=pages.place_parts(site), moment=local_formatter(),
                  **names())


# -- café shifts ------------------------------------------------------------------------------

def _shift(session_id: int, action, message: str):
    session = db.session.get(Session, session_id)
    if session is None:
        abort(404)
    activity = visible_activity(session.activity_id)
    try:
        action(current_user, session)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
        return redirect(url_for("activities.show", activity_id=activity.id))
    if wants_fragment():
        return render("activities/show.html", "activities/_session_row.html", row=session,
                      **_participation_context(activity))
    flash(message, "success")
    return redirect(url_for("activities.show", activity_id=activity.id))


@bp.post("/sessions/<int:session_id>/host")
@login_required
def host(session_id):
    return _shift(session_id, services.take_shift, _("Thank you! You host this session."))


@bp.post("/sessions/<int:session_id>/unhost")
@login_required
def unhost(session_id):
    return _shift(session_id, services.drop_shift, _("You no longer host this session."))


# -- attendance ---------------------------------------------------------------------------------

def _marked_session(session_id: int) -> tuple[Session, "services.People"]:
    """A session whose list the current user keeps: its leaders, and its peer co-leaders.
    Read with its activity (which the session then keeps: read on its own, the activity was
    dropped and read again for the list), and the activity's leaders and co-leaders as rows
    for the page's other questions: 11 statements to 7."""
    session = db.session.get(Session, session_id, options=[joinedload(Session.activity)])
    if session is None:
        abort(404)
    activity = visible_activity(session.activity_id)
    people = services.people(activity)
    if not services.can_take_attendance(current_user, activity, people):
        abort(403)
    return session, people


def _show_attendance(session, marks=None, error=None, status=200, note_form=None,
                     people=None):
    rows = attendance.sheet(session)
    if marks:  # the leader's own input, kept when something was wrong
        for row in rows:
            if row.user.id in marks:
                row.present, row.minutes = marks[row.user.id]
    activity = session.activity
    context = {"session": session, "activity": activity, "rows": rows, "error": error,
               "open_for_marking": attendance.is_open_for_marking(session),
               "can_sign_off": services.can_lead(
                   current_user, activity, people or services.people(activity)),
               "can_reopen": current_user.has_role(activity.site_id, Role.COORDINATOR),
               "length": attendance.length(session),
               "note_form": note_form or (NoteForm(formdata=None, note=session.note)
                                          if session.note else None),
               "blank_note_form": _blank_note_form,
               "not_reported": _not_reported(session)}
    return render("activities/attendance.html", "activities/_attendance.html", status=status,
                  **context)


def _blank_note_form() -> NoteForm:
    """The note form of a session without a note, for the part of the page that is the same
    for everyone in a language (made once per language, not for every page: about 0.2 ms)."""
    return NoteForm(formdata=None, note="")


def _not_reported(session) -> str | None:
    """Why the study association will not take this session, in words for its leader."""
    unreported = rules.why_not_reported(session)
    if unreported is None:
        return None
    reason, rule_set = unreported.reason, unreported.rules
    if reason == rules.FEW_PRESENT and not attendance.is_marked(session):
        return None  # nobody marked yet: the list is being taken, not short of people
    if reason == rules.SHORT:
        return ngettext("The study association cannot take this session: it is shorter than "
                        "one study hour (%(num)d minutes). It counts neither for the circle "
                        "nor for anyone's sessions.",
                        "The study association cannot take this session: it is shorter than "
                        "one study hour (%(num)d minutes). It counts neither for the circle "
                        "nor for anyone's sessions.", rule_set.hour_minutes)
    if reason == rules.FEW_PRESENT:
        return ngettext("The study association cannot take this session: fewer than %(num)d "
                        "person was present, the leader included. It counts neither for the "
                        "circle nor for anyone's sessions.",
                        "The study association cannot take this session: fewer than %(num)d "
                        "people were present, the leader included. It counts neither for the "
                        "circle nor for anyone's sessions.", rule_set.min_present)
    if reason == rules.WEEK_MEETINGS:
        return ngettext("The study association cannot take this session: the circle already "
                        "has %(num)d session this week.",
                        "The study association cannot take this session: the circle already "
                        "has %(num)d sessions this week.", rule_set.max_meetings_per_week)
    return ngettext("The study association cannot take this session: the circle already has "
                    "%(num)d study hour this week.",
                    "The study association cannot take this session: the circle already has "
                    "%(num)d study hours this week.", rule_set.max_hours_per_week)


def _number(value: str | None) -> int | None:
    value = normalise_text(value or "")
    return int(value) if value.isdigit() else None


@bp.get("/sessions/<int:session_id>/attendance")
@login_required
def attendance_list(session_id):
    session, people = _marked_session(session_id)
    note_read(current_user, "attendance.view", "session", session.id)
    return _show_attendance(session, people=people)


@bp.post("/sessions/<int:session_id>/attendance")
@login_required
def save_attendance(session_id):
    session, people = _marked_session(session_id)
    marks = {}
    for row in attendance.sheet(session):
        if f"minutes-{row.user.id}" not in request.form:
            continue  # joined after the leader opened the list: not seen, so not marked absent
        minutes = _number(request.form.get(f"minutes-{row.user.id}"))
        marks[row.user.id] = (f"present-{row.user.id}" in request.form,
                              row.minutes if minutes is None else minutes)
    try:
        attendance.save(current_user, session, marks, _number(request.form.get("headcount")))
    except DomainError as error:
        return _show_attendance(session, marks, str(error.message), status=422, people=people)
    flash(_("The attendance list is saved."), "success")
    return redirect(url_for("activities.attendance_list", session_id=session.id))


@bp.post("/sessions/<int:session_id>/note")
@login_required
def write_note(session_id):
    session, people = _marked_session(session_id)
    form = NoteForm()
    if not form.validate():
        return _show_attendance(session, status=422, note_form=form, people=people)
    try:
        services.write_note(current_user, session, form.note.data or "")
    except DomainError as error:
        attach_error(form, error)
        return _show_attendance(session, status=422, note_form=form, people=people)
    flash(_("The note is saved."), "success")
    return redirect(url_for("activities.attendance_list", session_id=session.id))


def _lock_action(session_id: int, action, message: str, category: str):
    session = _led_session(session_id)
    try:
        action(current_user, session)
    except DomainError as error:
        return _show_attendance(session, error=str(error.message), status=422)
    flash(message, category)
    return redirect(url_for("activities.attendance_list", session_id=session.id))


@bp.post("/sessions/<int:session_id>/sign-off")
@login_required
def sign_off(session_id):
    return _lock_action(session_id, attendance.sign_off,
                        _("The list is signed off and locked."), "success")


@bp.post("/sessions/<int:session_id>/reopen")
@login_required
def reopen(session_id):
    return _lock_action(session_id, attendance.reopen,
                        _("The list is open again. This is written to the log."), "info")


# -- peer co-leaders -----------------------------------------------------------------------------

def _co_led_activity(activity_id: int) -> Activity:
    """An activity whose co-leaders the current user chooses: a coordinator of its place."""
    activity = visible_activity(activity_id)
    if not policy.manages(current_user, activity.site_id):
        abort(403)
    return activity


def _co_leader_form(activity, **kwargs) -> CoLeaderForm:
    form = CoLeaderForm(**kwargs)
    form.user_id.choices = [SelectChoice(u.id, u.display_name, render_kw=NAME_OPTION)
                            for u in services.possible_co_leaders(activity)]
    return form


def _show_co_leaders(activity, form=None, error=None):
    form = form or _co_leader_form(activity, formdata=None)
    return show_form("activities/co_leaders.html", "activities/_co_leaders.html", form, error,
                     activity=activity, co_leaders=services.people(activity).co_leaders)


@bp.get("/<int:activity_id>/co-leaders")
@login_required
def co_leaders(activity_id):
    return _show_co_leaders(_co_led_activity(activity_id))


@bp.post("/<int:activity_id>/co-leaders")
@login_required
def add_co_leader(activity_id):
    activity = _co_led_activity(activity_id)
    form = _co_leader_form(activity)
    if not form.validate():
        return _show_co_leaders(activity, form)
    try:
        services.add_co_leader(current_user, activity, db.session.get(User, form.user_id.data))
    except DomainError as error:
        return _show_co_leaders(activity, form, error)
    flash(_("The co-leader is added and has been told."), "success")
    return redirect(url_for("activities.co_leaders", activity_id=activity.id))


@bp.post("/<int:activity_id>/co-leaders/<int:user_id>/remove")
@login_required
def remove_co_leader(activity_id, user_id):
    activity = _co_led_activity(activity_id)
    person = db.session.get(User, user_id) or abort(404)
    services.remove_co_leader(current_user, activity, person)
    flash(_("%(name)s is no longer a co-leader and has been told.",
            name=person.display_name), "info")
    return redirect(url_for("activities.co_leaders", activity_id=activity.id))


# -- the attendance list for the funder ------------------------------------------------------

def _attendance_export(activity_id: int):
    activity = _led_activity(activity_id)
    if activity.rule_set_id is None:
        abort(404)
    return activity, *rules.funder_list(activity)


@bp.get("/<int:activity_id>/attendance-list")
@login_required
def attendance_export(activity_id):
    activity, status, grid = _attendance_export(activity_id)
    return render("activities/attendance_list.html", activity=activity, circle_status=status,
                  grid=grid)


@bp.get("/<int:activity_id>/attendance-list.csv")
@login_required
def attendance_csv(activity_id):
    activity, status, grid = _attendance_export(activity_id)
    record(current_user, "attendance_list.export.csv", "activity", activity.id)
    response = make_response(rules.grid_csv(activity, status, grid))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attendance-{activity.id}.csv"')
    return response
