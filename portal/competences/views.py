"""My competences and My CV. Only the owner reaches them; staff read them only while the owner
shares them (each read is audited)."""

from dataclasses import MISSING, fields

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import speed
from portal.competences import cv as cv_document
from portal.competences import services
from portal.competences.forms import FORMS, CvForm, LicencesForm, TalentsForm
from portal.competences.models import EDUCATION_NAMES, LEVEL_NAMES
from portal.competences.wording import CHANGE_LABELS, licence_choices, names
from portal.errors import DomainError
from portal.forms import attach_error
from portal.i18n import LANGUAGES, _
from portal.web import redirect, render, wants_fragment

bp = Blueprint("competences", __name__, url_prefix="/competences")
KIND = "<kind>"  # languages, education, work or certificates; any other word is not found


def _blank_form(kind: str):
    return FORMS[kind](formdata=None, prefix=kind)


# An item's two links (change, remove), remembered per process as speed.link remembers links
# whose arguments are all ids: here one is a kind, one of the four words of FORMS (never a word
# from a request). Werkzeug builds each in a few µs; My competences draws two a row.
_ITEM_LINKS: dict[tuple, tuple[str, str]] = {}


def item_links(kind: str, item_id: int) -> tuple[str, str]:
    """The links to change and to remove one of the person's items."""
    key = (request.script_root, kind, item_id)
    links = _ITEM_LINKS.get(key)
    if links is None:
        links = (url_for("competences.edit", kind=kind, item_id=item_id),
                 url_for("competences.remove", kind=kind, item_id=item_id))
        if kind in FORMS and type(item_id) is int:
            if len(_ITEM_LINKS) >= speed.MAX_LINKS:
                _ITEM_LINKS.clear()
            _ITEM_LINKS[key] = links
    return links


def _page(fragment: str = "competences/index.html", status: int = 200, forms=None, **context):
    """My competences, with the forms that came back with errors (the others fresh).

    A fresh form to add an item is the same for everyone who reads the language: the template
    draws it once per language and kind ({% shared %}, portal/speed.py) from `blank_form`, so
    `add_forms` holds only the forms that came back (drawing the four blank ones cost about a
    third of the page, 4 ms of 12)."""
    forms = forms or {}
    add_forms = {kind: forms.get(kind) for kind in FORMS}
    mine = services.competences_of(current_user)
    talents_form = forms.get("talents") or TalentsForm(formdata=None, talents=mine.talents)
    licences_form = forms.get("licences") or LicencesForm(formdata=None, classes=mine.licences)
    licences_form.classes.choices = licence_choices()  # the same labels, as text
    return render("competences/index.html", fragment, status=status, mine=mine,
                  add_forms=add_forms, blank_form=_blank_form, talents_form=talents_form,
                  licences_form=licences_form,
                  shares=services.shown_to(current_user), editable=True,
                  item_links=item_links, **names(), **context)


@bp.get("")
@login_required
def index():
    return _page()


def _data(kind: str, form):
    """The service's data from a valid form: an empty optional field takes its default."""
    data = services.DATA[services.KINDS[kind]]
    values = {}
    for spec in fields(data):
        value = form[spec.name].data
        values[spec.name] = spec.default if value is None and spec.default is not MISSING \
            else value
    return data(**values)


def _back(kind: str):
    return redirect(url_for("competences.index", _anchor=kind))


def _known(kind: str) -> str:
    return kind if kind in FORMS else abort(404)


@bp.post(f"/{KIND}")
@login_required
def add(kind):
    form = FORMS[_known(kind)](prefix=kind)
    if form.validate():
        try:
            services.add_item(current_user, _data(kind, form))
        except DomainError as error:
            attach_error(form, error)
        else:
            if wants_fragment():
                return _page("competences/_section.html", kind=kind)
            return _back(kind)
    return _page("competences/_section.html", 422, {kind: form}, kind=kind)


def _own(kind: str, item_id: int):
    return services.own_item(current_user, _known(kind), item_id) or abort(404)


def _show_edit(kind, item, form, status=200):
    return render("competences/edit.html", "competences/_edit_form.html", status=status,
                  kind=kind, item=item, form=form, change_labels=CHANGE_LABELS)


@bp.get(f"/{KIND}/<int:item_id>")
@login_required
def edit(kind, item_id):
    item = _own(kind, item_id)
    return _show_edit(kind, item, FORMS[kind](formdata=None, obj=item))


@bp.post(f"/{KIND}/<int:item_id>")
@login_required
def update(kind, item_id):
    item = _own(kind, item_id)
    form = FORMS[kind]()
    if form.validate():
        try:
            services.update_item(item, _data(kind, form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Saved."), "success")
            return _back(kind)
    return _show_edit(kind, item, form, 422)


@bp.post(f"/{KIND}/<int:item_id>/remove")
@login_required
def remove(kind, item_id):
    if not services.remove_item(current_user, _known(kind), item_id):
        abort(404)
    if wants_fragment():
        return _page("competences/_section.html", kind=kind)
    return _back(kind)


@bp.post("/talents")
@login_required
def save_talents():
    form = TalentsForm()
    if not form.validate():
        return _page("competences/_talents.html", 422, {"talents": form})
    services.save_talents(current_user, form.talents.data or "")
    if wants_fragment():
        return _page("competences/_talents.html", saved=True)
    return _back("my-talents")


@bp.post("/licences")
@login_required
def save_licences():
    form = LicencesForm()
    if form.validate():
        try:
            services.save_licences(current_user, form.classes.data or [])
        except DomainError as error:
            attach_error(form, error)
        else:
            if wants_fragment():
                return _page("competences/_licences.html", saved=True)
            return _back("my-licences")
    return _page("competences/_licences.html", 422, {"licences": form})


# -- shared with me (staff) -------------------------------------------------------------------

@bp.get("/shared")
@login_required
def shared():
    return render("competences/shared.html", "competences/shared.html",
                  people=services.owners_sharing_with(current_user))


@bp.get("/shared/<int:user_id>")
@login_required
def shared_profile(user_id):
    owner = services.shared_owner(current_user, user_id) or abort(404)
    return render("competences/shared_profile.html", "competences/shared_profile.html",
                  owner=owner, mine=services.read_shared(current_user, owner), editable=False,
                  **names())


# -- My CV ------------------------------------------------------------------------------------

def _isolated(*words) -> str:
    """The person's words each in a Unicode isolate, so an Arabic word does not turn the
    Norwegian label around it (the label's own direction comes from Bro's words)."""
    return ", ".join(f"\u2068{word}\u2069" for word in words if word)


def _item_label(kind: str, item) -> str:
    if kind == "languages":
        return f"{_isolated(item.language)} – {LEVEL_NAMES[item.level]}"
    if kind == "education":
        return ", ".join(filter(None, [str(EDUCATION_NAMES[item.level]),
                                       _isolated(item.field)]))
    if kind == "work":
        return _isolated(item.what, item.workplace)
    return _isolated(item.name, item.issuer)


def _cv_form(choice=None, **kwargs) -> CvForm:
    """The CV form with the person's own items as its choices; from `choice` when given."""
    mine = services.competences_of(current_user)
    courses = services.cv_courses(current_user)
    personal = [(key, label) for key, label, value in (
        ("phone", _("My phone number"), current_user.phone),
        ("email", _("My e-mail address"), current_user.email),
        ("birth_year", _("My birth year"), current_user.birth_year)) if value]
    more = [(key, label) for key, label, value in (
        ("talents", _("What I am good at"), mine.talents),
        ("licences", _("Driving licence"), mine.licences)) if value]
    if choice is not None:
        left_out = services.courses_left_out(current_user)
        kwargs |= {
            "language": choice.language, "summary": choice.summary,
            "personal": [key for key, _label in personal if getattr(choice, f"show_{key}")],
            "more": [key for key, _label in more if getattr(choice, f"show_{key}")],
            "courses": [c.activity_id for c in courses if c.activity_id not in left_out],
            **{kind: [item.id for item in getattr(mine, kind) if item.in_cv]
               for kind in services.KINDS}}
    form = CvForm(**kwargs)
    form.language.choices = [SelectChoice(code.value, LANGUAGES[code], render_kw={"lang": code})
                             for code in services.cv_languages(current_user)]
    form.personal.choices = personal
    form.more.choices = more
    form.courses.choices = [(c.activity_id, c.title) for c in courses]
    for kind in services.KINDS:
        form[kind].choices = [(item.id, _item_label(kind, item)) for item in getattr(mine, kind)]
    return form


def _show_cv(form, status=200):
    return render("competences/cv.html", "competences/_cv_form.html", status=status, form=form)


@bp.get("/cv")
@login_required
def cv():
    return _show_cv(_cv_form(services.cv_choice(current_user), formdata=None))


@bp.post("/cv")
@login_required
def save_cv():
    form = _cv_form()
    if form.validate():
        personal, more = set(form.personal.data or []), set(form.more.data or [])
        try:
            services.save_cv_choices(current_user, services.CvChoices(
                language=form.language.data, summary=form.summary.data or "",
                show_phone="phone" in personal, show_email="email" in personal,
                show_birth_year="birth_year" in personal, show_talents="talents" in more,
                show_licences="licences" in more,
                included={kind: set(form[kind].data or []) for kind in services.KINDS},
                courses=set(form.courses.data or [])))
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect(url_for("competences.preview"))
    return _show_cv(form, 422)


@bp.get("/cv/preview")
@login_required
def preview():
    made = services.cv_of(current_user)
    return render("competences/preview.html", "competences/preview.html",
                  cv=cv_document.fragment(made))


@bp.get("/cv/download")
@login_required
def download():
    response = make_response(cv_document.pdf_of(services.cv_of(current_user)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="CV.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
