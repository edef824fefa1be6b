"""portal/pdf.py: HTML to PDF with Bro's fonts, fetching nothing but Bro's static files."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from portal import pdf


@pytest.fixture
def loopback_server():
    """A real HTTP server on loopback that counts the requests it gets."""
    requests = []

    class Count(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802  (the name http.server calls)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Count)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


def test_a_document_fetches_nothing_from_the_network_or_outside_static(app, loopback_server):
    address, requests = loopback_server
    html = f"""<html lang="nb"><head><link rel="stylesheet" href="{address}/evil.css">
      <link rel="stylesheet" href="file:///etc/hostname"></head>
      <body><p>Påmelding · Blåbær</p><img src="{address}/tracker.png" alt="">
      <img src="file:///etc/passwd" alt=""><img src="../portal/pdf.py" alt="">
      <img src="icons/favicon.svg" alt="Bro"></body></html>"""
    with app.test_request_context():
        made = pdf.render(html)
    assert requests == []
    text = PdfReader(io.BytesIO(made)).pages[0].extract_text()
    assert "Påmelding · Blåbær" in text


def test_stylesheets_come_from_static_only(app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="not a static file"):
            pdf.render("<p>x</p>", stylesheets=("../portal/pdf.py",))
        assert pdf.render("<p>x</p>", stylesheets=("css/cv.css",)).startswith(b"%PDF-")


def test_arabic_and_ethiopic_text_keeps_its_letters_and_order(app):
    html = ('<html lang="en"><body><p>أمينة يوسف</p><p>ሰላም ዓለም</p>'
            "<p>Ærlig øl på Åland</p></body></html>")
    with app.test_request_context():
        text = PdfReader(io.BytesIO(pdf.render(html))).pages[0].extract_text()
    assert text.split("\n") == ["أمينة يوسف", "ሰላም ዓለም", "Ærlig øl på Åland"]
