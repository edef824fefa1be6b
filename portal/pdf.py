"""HTML to PDF with WeasyPrint: Bro's fonts embedded, Bro's own static files, nothing else.

Shared by every PDF Bro makes (the CV, course certificates, job-centre statements): a feature
renders its HTML (headings in the reader's language with `force_locale`) and hands it here
with the stylesheets from `static/` it needs.

Fonts come from the system (see the Makefile's `pdf-deps`): Noto Sans for Latin with the
Nordic letters, Noto Sans Arabic and Noto Sans Ethiopic for names and places written in those
scripts (Pango shapes them), DejaVu Sans where Noto is missing. WeasyPrint embeds the subset
of each font the document uses, so the text stays selectable and searchable, in logical order.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

FONTS = '"Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", "DejaVu Sans", sans-serif'
BASE_CSS = f"""
@page {{ size: A4; margin: 16mm 16mm 14mm; }}
html {{ font-family: {FONTS}; font-size: 10pt; line-height: 1.4; color: #1b1f23; }}
"""
# Steps to shrink a document that should fit on `max_pages` (a CV: one page).
SCALES = (1.0, 0.93, 0.86, 0.8)


def render(html: str, stylesheets: tuple[str, ...] = (), max_pages: int | None = None) -> bytes:
    """The PDF of an HTML document. `stylesheets`: paths under static/ (e.g. "css/cv.css").
    With `max_pages`, the text is made a little smaller, step by step, until it fits; when
    even the smallest step does not, the document keeps its pages."""
    # Imported here, not at start-up: WeasyPrint takes half a second to import, and only the
    # requests that make a PDF need it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    static = Path(current_app.static_folder).resolve()
    fetcher = _static_only(static)
    fonts = FontConfiguration()
    sheets = [CSS(string=BASE_CSS, font_config=fonts)]
    sheets += [CSS(filename=str(_inside(static, name)), url_fetcher=fetcher, font_config=fonts)
               for name in stylesheets]
    page = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher)
    for scale in SCALES if max_pages else (1.0,):
        scaled = [*sheets, CSS(string=f"html {{ font-size: {10 * scale:.2f}pt; }}",
                               font_config=fonts)]
        document = page.render(stylesheets=scaled, font_config=fonts)
        if not max_pages or len(document.pages) <= max_pages:
            break
    return document.write_pdf(pdf_tags=True)


def _inside(static: Path, name: str) -> Path:
    path = (static / name).resolve()
    if not path.is_relative_to(static) or not path.is_file():
        raise ValueError(f"not a static file: {name}")
    return path


def _static_only(static: Path):
    """A fetcher of files under static/ and nothing else: no network, no other file,
    whatever a document (or text pasted into it) points at."""
    from weasyprint.urls import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"not fetched: {url}")
            _inside(static, str(Path(unquote(parts.path)).relative_to(static)))
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",))
