"""A report's meeting places as bound values of its prebuilt statements."""

from sqlalchemy import BindParameter, bindparam, literal_column


def places(count: int) -> list[BindParameter]:
    """`count` places as plain bound values site_0, site_1, … for `column.in_(…)`, not one
    expanding list: SQLAlchemy rewrites an expanding list's SQL at every run, so a statement
    with one never ran prepared on SQLite (portal.speed._Prepared) and paid SQLAlchemy's
    execution layer every time (about 50–70 µs a statement; a month's report runs about 30).
    A statement is built once per number of places (site_values gives the values)."""
    return [bindparam(f"site_{i}") for i in range(count)]


def site_values(site_ids) -> dict:
    """The values of `places(len(site_ids))`."""
    return {f"site_{i}": site_id for i, site_id in enumerate(site_ids)}


def written(values) -> list:
    """Fixed values (statuses, kinds) written into the SQL for `column.in_(…)`: a Python list
    there becomes an expanding list, which SQLAlchemy rewrites at every run (the statement
    then never runs prepared, see `places`); a value in the SQL also lets SQLite and
    PostgreSQL plan with it (see Booking.is_active). Only for our own constants (no quotes)."""
    return [literal_column(f"'{value}'") for value in values]
