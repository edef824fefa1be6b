"""A push service on loopback: a real HTTP server that keeps what it was posted and answers as
it is told, and subscriptions whose keys the test holds, so it can read what Bro sent."""

import os
import threading
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from portal.i18n import force_locale


@pytest.fixture(autouse=True)
def _english():
    """Services' messages read in English (the tests match them)."""
    with force_locale("en"):
        yield


def b64(raw: bytes) -> str:
    return urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Browser:
    """The keys a browser keeps for its subscription (only it can decrypt its notices)."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return b64(self.secret)

    def read(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.secret,
                                version="aes128gcm")


@dataclass
class Post:
    path: str
    headers: dict
    body: bytes


class PushService:
    def __init__(self):
        self.posts: list[Post] = []
        self.answers: dict[str, int] = {}  # path → status (201 when not named)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.posts.append(Post(self.path, headers, body))
                self.send_response(service.answers.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, name: str) -> str:
        return f"{self.url}/push/{name}"


@pytest.fixture
def push_service(app, monkeypatch):
    """Yields the loopback push service; subscriptions may point at it (http on loopback,
    allowed only through PUSH_INSECURE_ENDPOINTS)."""
    monkeypatch.setitem(app.config, "PUSH_INSECURE_ENDPOINTS", True)
    service = PushService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()
