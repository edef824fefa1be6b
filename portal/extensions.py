"""Extension objects, bound to the app in create_app(). Imports nothing from portal."""

from datetime import UTC, date, datetime
from enum import StrEnum

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CheckConstraint, DateTime, Enum, Integer, MetaData, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, plain UTC in every database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use portal.extensions.utcnow()")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    registry = registry(
        # Every `Mapped[datetime]` is an aware UTC moment.
        type_annotation_map={datetime: UTCDateTime},
        # Stable constraint names, so migrations work the same on SQLite and PostgreSQL.
        metadata=MetaData(naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }))


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def enum_column(enum: type[StrEnum], name: str, length: int = 20, **kwargs):
    """A column holding one StrEnum: text in the database, checked against the enum's values
    by a constraint named after the column (`name`, as the migrations made it); the member
    itself in Python."""
    return mapped_column(Enum(enum, name=name, native_enum=False, create_constraint=True,
                              length=length, values_callable=lambda e: [m.value for m in e]),
                         **kwargs)


def one_of(column: str, values) -> CheckConstraint:
    """A check that a text column holds one of `values` (a subset of an enum's values)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


def utcnow() -> datetime:
    return datetime.now(UTC)


class minutes_between(FunctionElement):  # noqa: N801  (reads like the SQL function it is)
    """Whole minutes from one timestamp to another, in SQL on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element, compiler, **kw):
    starts, ends = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND((julianday({ends}) - julianday({starts})) * 1440) AS INTEGER)"


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element, compiler, **kw):
    starts, ends = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({ends} - {starts})) / 60) AS INTEGER)"


class utc_hour(FunctionElement):  # noqa: N801
    """A timestamp's UTC hour as text, "YYYY-MM-DD HH": a bucket callers turn into local time."""

    type = String()
    inherit_cache = True
    name = "utc_hour"


@compiles(utc_hour, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"strftime('%Y-%m-%d %H', {moment})"


@compiles(utc_hour, "postgresql")
def _hour_postgresql(element, compiler, **kw):
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char({moment}, 'YYYY-MM-DD HH24')"


MONDAY = date(2000, 1, 3)  # weeks are counted from this Monday


def week_number(day: date) -> int:
    """The week a day falls in (Monday to Sunday), as `weeks_since` counts it in SQL."""
    return (day - MONDAY).days // 7


class weeks_since(FunctionElement):  # noqa: N801
    """The week (Monday to Sunday, counted from MONDAY) of a session's local wall time, or of
    its UTC start when it has none: weeks_since(local_start, starts_at)."""

    type = Integer()
    inherit_cache = True
    name = "weeks_since"


@compiles(weeks_since, "sqlite")
def _weeks_sqlite(element, compiler, **kw):
    local, utc = (compiler.process(c, **kw) for c in element.clauses)
    return (f"CAST((julianday(date(COALESCE({local}, {utc}))) - julianday('{MONDAY}')) / 7 "
            "AS INTEGER)")


@compiles(weeks_since, "postgresql")
def _weeks_postgresql(element, compiler, **kw):
    local, utc = (compiler.process(c, **kw) for c in element.clauses)
    return (f"((CAST(COALESCE({local}, {utc} AT TIME ZONE 'UTC') AS DATE) "
            f"- DATE '{MONDAY}') / 7)")
