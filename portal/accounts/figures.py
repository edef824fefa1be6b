"""Which changes of people and meeting places feed the figures the reports keep
(portal.figures): a birth year decides who counts in a circle; a time zone decides months."""

from portal import figures
from portal.accounts.models import Site, User


def _user(change: figures.Change, touched: figures.Touched, _connection) -> None:
    if change.gone:
        touched.all_circles = True  # their enrolments went with them
    elif change.updated("birth_year"):
        touched.people.add(change.obj.id)


def _site(change: figures.Change, touched: figures.Touched, _connection) -> None:
    if change.updated("timezone"):
        touched.sites.add(change.obj.id)


def register() -> None:
    figures.watch(User, _user)
    figures.watch(Site, _site)
