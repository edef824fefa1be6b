"""A stand-in SMS provider: a real HTTP server on loopback (for tests/notify/test_sms.py and
the SMS codes' tests; the `provider` fixture in tests/conftest.py starts one), and the
settings that point Bro at it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SECRET = "report-secret-for-tests"


class Provider:
    """A real HTTP server on loopback that keeps every request and answers with the next
    of `answers` (status, JSON), repeating the last one."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = [(200, {})]
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                status, answer = (provider.answers.pop(0) if len(provider.answers) > 1
                                  else provider.answers[0])
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()
        self.server.server_close()


def use(app, monkeypatch, name, provider_url="", **extra):
    settings = {"SMS_PROVIDER": name, "SMS_API_URL": provider_url, "SMS_API_USERNAME": "",
                "SMS_API_PASSWORD": "", "SMS_API_TOKEN": "", "SMS_SENDER": "Bro",
                "SMS_REPORT_SECRET": SECRET} | extra
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)




def texts(server: "Provider") -> list[tuple[str, str]]:
    """(to, message) of each SMS the 46elks stand-in received."""
    found = []
    for request in server.requests:
        fields = {k: v[0] for k, v in parse_qs(request["body"].decode("utf-8")).items()}
        found.append((fields["to"], fields["message"]))
    return found
