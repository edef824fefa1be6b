"""Accounts' connections, made explicitly by create_app."""

from portal.accounts import figures, messages


def connect() -> None:
    messages.init()
    figures.register()
