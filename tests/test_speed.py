"""portal.speed.rows: a prebuilt statement gives the same rows, types and errors on SQLite's
short way (speed._Prepared) as through SQLAlchemy's Connection.execute."""

from datetime import date, datetime

import pytest
from sqlalchemy import Date, bindparam, cast, column, event, literal, null, select, table
from sqlalchemy.exc import DBAPIError, StatementError

from portal import speed
from portal.accounts.models import Membership, Role, Site, User
from portal.extensions import db
from portal.meetings.models import Booking, TimeOff


def both_ways(statement, parameters):
    """(rows from speed.rows, rows from SQLAlchemy, whether speed.rows took the short way)."""
    mine = speed.rows(statement, parameters).all()
    short = speed._PREPARED.get(id(statement)) is not None
    theirs = db.session.connection().execute(statement, parameters).all()
    return mine, theirs, short


@speed.statement
def _people():
    user, membership, site = User.__table__, Membership.__table__, Site.__table__
    return (select(user.c.id, user.c.display_name, user.c.birth_year, user.c.erased_at,
                   user.c.created_at, membership.c.role, site.c.name.label("site_name"),
                   literal("person").label("kind"))
            .select_from(user.join(membership, membership.c.user_id == user.c.id)
                         .join(site, site.c.id == membership.c.site_id))
            .where(site.c.id == bindparam("site_id"), user.c.created_at < bindparam("before"))
            .order_by(user.c.id).limit(5))


@speed.statement
def _days():
    time_off = TimeOff.__table__
    days = select(time_off.c.id, time_off.c.first_day.label("day")).where(
        time_off.c.host_id == bindparam("host_id"))
    without = select(time_off.c.id, cast(null(), Date).label("day")).where(
        time_off.c.host_id == bindparam("host_id"))
    return days.union_all(without).order_by("day")


def test_rows_types_and_order_are_sqlalchemys(site, make_user):
    make_user(Role.VOLUNTEER, name="Lars", birth_year=None)
    make_user(name="Amina")
    mine, theirs, short = both_ways(_people(), {"site_id": site.id, "before": datetime.now()
                                                .astimezone()})
    assert short == (db.engine.dialect.name == "sqlite")
    assert mine == theirs and len(mine) == 2
    lars = mine[0]
    assert (lars.display_name, lars.birth_year, lars.erased_at, lars.kind) == (
        "Lars", None, None, "person")
    assert lars.role is Role.VOLUNTEER and lars.site_name == "Tøyen"
    assert lars.created_at.tzinfo is not None  # Bro's UTC type, read back aware
    assert lars._mapping["role"] is Role.VOLUNTEER and tuple(lars) == tuple(theirs[0])


def test_records_are_the_rows_as_named_tuples(site, make_user):
    make_user(Role.VOLUNTEER, name="Lars")
    parameters = {"site_id": site.id, "before": datetime.now().astimezone()}
    rows = speed.rows(_people(), parameters).all()
    records = speed.records(speed.rows(_people(), parameters))
    assert [tuple(r) for r in records] == [tuple(r) for r in rows]
    assert records[0]._fields == tuple(rows[0]._fields)
    assert (records[0].display_name, records[0].role) == ("Lars", Role.VOLUNTEER)


def test_a_union_with_a_typed_null_reads_dates(make_user):
    host = make_user(Role.VOLUNTEER)
    db.session.add(TimeOff(host_id=host.id, first_day=date(2026, 12, 24),
                           last_day=date(2026, 12, 26)))
    db.session.flush()
    mine, theirs, short = both_ways(_days(), {"host_id": host.id})
    assert short == (db.engine.dialect.name == "sqlite")
    if short:  # its one parameter twice in the SQL, converted once
        assert speed._PREPARED[id(_days())].positions == [0, 0]
    assert mine == theirs
    assert sorted(row.day is None for row in mine) == [False, True]
    assert date(2026, 12, 24) in [row.day for row in mine]


def test_one_scalar_first_and_scalars_work_as_on_sqlalchemys_result(site, make_user):
    make_user(name="Amina")
    parameters = {"site_id": site.id, "before": datetime.now().astimezone()}
    assert speed.rows(_people(), parameters).one().display_name == "Amina"
    assert speed.rows(_people(), parameters).first().kind == "person"
    assert speed.rows(_people(), parameters).scalars().all() == [
        db.session.scalar(select(User.id))]


def test_a_missing_value_is_sqlalchemys_error(site):
    with pytest.raises(StatementError, match="A value is required for bind parameter 'before'"):
        speed.rows(_people(), {"site_id": site.id})


@speed.statement
def _missing_table():
    return select(table("no_such_table", column("x")).c.x).where(
        column("x") == bindparam("x"))


def test_a_database_error_is_sqlalchemys_error():
    with pytest.raises(DBAPIError, match="no_such_table"):  # SQLite's or PostgreSQL's kind
        speed.rows(_missing_table(), {"x": 1})


@speed.statement
def _in_list():
    return select(Site.__table__.c.name).where(
        Site.__table__.c.id.in_(bindparam("ids", expanding=True)))


@speed.statement
def _objects():
    return select(Booking).where(Booking.id == bindparam("id"))


def test_lists_in_parameters_and_orm_objects_run_through_sqlalchemy(site):
    assert speed.rows(_in_list(), {"ids": [site.id, 0]}).scalars().all() == ["Tøyen"]
    assert speed.rows(_objects(), {"id": 0}).all() == []
    assert speed._PREPARED.get(id(_in_list())) is None
    assert speed._PREPARED.get(id(_objects())) is None


def test_a_statement_built_per_call_runs_through_sqlalchemy(site):
    built = select(Site.__table__.c.name).where(Site.__table__.c.id == bindparam("id"))
    assert speed.rows(built, {"id": site.id}).scalar() == "Tøyen"
    assert id(built) not in speed._PREPARED


def test_statement_listeners_see_every_statement(site):
    site_id, seen = site.id, []

    def record(_connection, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        speed.rows(_people(), {"site_id": site_id, "before": datetime.now().astimezone()})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 1 and "FROM user_account" in seen[0]


def test_a_blank_form_is_built_once_per_language_as_a_new_one_would_be(app):
    from flask_babel import force_locale

    from portal.feedback.forms import FeedbackForm

    with app.test_request_context():
        with force_locale("nb"):
            norwegian = speed.blank_form(FeedbackForm)
            assert speed.blank_form(FeedbackForm) is norwegian
            fresh = FeedbackForm(formdata=None)
            assert [str(f.label.text) for f in norwegian] == [str(f.label.text) for f in fresh]
            assert str(norwegian.comment()) == str(fresh.comment())
        with force_locale("ar"):
            arabic = speed.blank_form(FeedbackForm)
            assert arabic is not norwegian
            assert str(arabic.face.label.text) != str(norwegian.face.label.text)
            assert not arabic.errors and arabic.comment.data is None


def test_template_calls_give_what_jinjas_own_context_call_gives(app):
    """TemplateContext's short way (plain functions, methods, macros) and Jinja's own way
    agree for every kind of callable a template calls, in a loop that sets variables too."""
    from jinja2 import pass_context, pass_environment
    from jinja2.runtime import Context

    class Helper:
        def plain(self, word):
            return f"method {word}"

        @pass_context
        def with_context(self, context, word):
            return f"{context.name} {word}"

    @pass_context
    def named(context, word):
        return f"{context.get('who')} {word}"

    @pass_environment
    def environment_name(environment, word):
        return f"{type(environment).__name__} {word}"

    source = ("{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"
              "{{ plain('a') }}|{{ named('b') }}|{{ helper.plain('c') }}|"
              "{{ helper.with_context('d') }}|{{ twice('e') }}|{{ env('f') }}|{{ kind('g') }}|"
              "{% for i in [1] %}{% set who = 'loop' %}{{ named('h') }}{{ twice(i) }}{% endfor %}")
    values = {"plain": lambda word: f"function {word}", "named": named, "helper": Helper(),
              "env": environment_name, "kind": str, "who": "page"}
    with app.test_request_context():
        template = app.jinja_env.from_string(source)
        assert app.jinja_env.context_class is speed.TemplateContext
        ours = template.render(values)
        app.jinja_env.context_class = Context
        try:
            theirs = app.jinja_env.from_string(source).render(values)
        finally:
            app.jinja_env.context_class = speed.TemplateContext
    assert ours == theirs
    assert ours.startswith("function a|page b|method c|")
    assert "loop h11" in ours


@pytest.mark.parametrize("prefix", ["", "/bro"])
def test_a_link_around_an_id_is_url_for_with_that_id(app, prefix):
    from flask import url_for
    from markupsafe import escape

    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": prefix}):
        before, after = speed.link_around_id("staff.issue_code", "user_id", site_id=3)
        for user_id in (1, 42, 918_273_645):
            assert f"{before}{user_id}{after}" == escape(
                url_for("staff.issue_code", site_id=3, user_id=user_id))
        assert before.startswith(prefix + "/")
