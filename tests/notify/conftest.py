import asyncio
import socket
import threading

import pytest

from portal.notify import channels
from portal.notify.channels import Receipt, Sender
from portal.notify.models import Channel


@pytest.fixture
def phone_channel(monkeypatch):
    """A channel that rings (held in quiet hours), registered like SMS will be: a real Sender
    that keeps what it was asked to send, for the worker's rules that only such channels meet
    until SMS and push exist. Yields the list of (user id, kind) it sent."""
    sent = []

    def send(delivery, notification, user):
        sent.append((user.id, notification.kind))
        return Receipt(provider_id=f"test-{delivery.id}", segments=1)

    monkeypatch.setitem(channels.SENDERS, Channel.SMS, Sender(
        send=send, reaches=lambda people: {p.id for p in people if p.phone},
        quiet_at_night=True))
    return sent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowSMTP:
    """A real SMTP server (aiosmtpd) whose DATA takes `seconds`: `receiving` is set when a
    message starts to arrive, `received` lists the messages it accepted."""

    def __init__(self, seconds: float):
        from aiosmtpd.controller import Controller

        self.seconds, self.received = seconds, []
        self.receiving = threading.Event()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.receiving.set()
        await asyncio.sleep(self.seconds)
        self.received.append(envelope.rcpt_tos)
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *_):
        self.controller.stop()
