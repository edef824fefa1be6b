"""The reports' connections, made explicitly by create_app."""

from portal import figures
from portal.reports import upkeep


def connect() -> None:
    figures.touched.connect(upkeep.apply)
