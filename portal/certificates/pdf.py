"""A certificate as a PDF, in the language the holder chooses (the place's by default); the
words of the record (names, the course, the partner) stay as they were written."""

from flask import render_template

from portal import pdf
from portal.certificates.models import CertificateKind, CourseCertificate
from portal.certificates.services import shown
from portal.i18n import force_locale
from portal.web import external_url

STYLESHEET = "css/certificate.css"


def certificate_pdf(certificate: CourseCertificate, language: str) -> bytes:
    with force_locale(language):
        html = render_template(
            "certificates/certificate_pdf.html", certificate=certificate, language=language,
            code=shown(certificate.code), kinds=CertificateKind,
            address=external_url("certificates.check", code=shown(certificate.code)))
    return pdf.render(html, stylesheets=(STYLESHEET,), max_pages=1)
