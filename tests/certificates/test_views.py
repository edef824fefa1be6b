"""My certificates, the certificate as a PDF (read back with pypdf), and the public page that
checks a code: genuine for a real code, nothing for a forged or altered one, rate limited."""

import re
from urllib.parse import quote

import pytest

from portal.certificates import services
from portal.certificates.models import CertificateKind
from tests.certificates.conftest import AMINA
from tests.pdfs import fonts_of, text_of
from tests.test_hostile_input import NASTY


def made(course, who="amina"):
    return services.issue(course[who], CertificateKind.COURSE, course["circle"].id)


def test_the_holder_makes_a_certificate_and_downloads_it(client, swedish_course):
    amina, circle = swedish_course["amina"], swedish_course["circle"]
    client.login(amina.email)
    page = client.get("/certificates").get_data(as_text=True)
    assert "Svenska för vardagen" in page and "7 study hours of 45 minutes" in page
    assert "Make my certificate" in page
    response = client.post(f"/certificates/course/{circle.id}")
    assert response.status_code == 303
    (certificate,) = [item.certificate for item in services.earned(amina)]
    page = client.get("/certificates").get_data(as_text=True)
    assert services.shown(certificate.code) in page and "Download the certificate" in page
    # The place's language, first and chosen.
    assert re.search(r'<option [^>]*selected[^>]*value="sv"[^>]*>Svenska</option>\s*'
                     r'<option [^>]*value="nb"', page)
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_pdf_is_in_the_chosen_language_with_the_name_intact(client, swedish_course):
    certificate = made(swedish_course)
    client.login(swedish_course["amina"].email)
    pdf = client.get(f"/certificates/{certificate.id}.pdf?c{certificate.id}-language=sv").data
    text, reader = text_of(pdf)
    assert len(reader.pages) == 1
    assert "Kursintyg" in text and AMINA in text  # the Arabic-script name as written
    assert "Svenska för vardagen" in text and "Malmö Möllan" in text
    assert "7 studietimmar à 45 minuter" in text
    assert services.shown(certificate.code) in text
    assert re.search(r"https?://\S+/c/" + services.shown(certificate.code), text)
    assert "Bo Ek" not in text and "Cy Lund" not in text  # no one else on it
    fonts = fonts_of(reader)
    assert {"Noto-Sans", "Noto-Sans-Arabic-Bold"} <= set(fonts) and all(fonts.values()), fonts
    assert reader.trailer["/Root"]["/Lang"] == "sv"

    english, _reader = text_of(client.get(
        f"/certificates/{certificate.id}.pdf?c{certificate.id}-language=en").data)
    assert "Course certificate" in english and "7 study hours of 45 minutes" in english
    arabic, reader = text_of(client.get(
        f"/certificates/{certificate.id}.pdf?c{certificate.id}-language=ar").data)
    assert AMINA in arabic and reader.trailer["/Root"]["/Lang"] == "ar"
    # A language Bro does not speak falls back to the place's language.
    fallback, _reader = text_of(client.get(
        f"/certificates/{certificate.id}.pdf?c{certificate.id}-language=xx").data)
    assert "Kursintyg" in fallback


def test_no_one_else_reaches_a_certificate_or_makes_one_for_what_they_did_not_complete(
        client, swedish_course):
    certificate = made(swedish_course)
    client.login(swedish_course["bo"].email)
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    client.login(swedish_course["cy"].email)  # enrolled, not completed
    assert client.post(f"/certificates/course/{swedish_course['circle'].id}").status_code == 404
    assert client.post("/certificates/work-practice/999").status_code == 404
    assert "You have not completed" in client.get("/certificates").get_data(as_text=True)


def test_the_public_page_says_genuine_with_initials_and_nothing_more(client, swedish_course):
    certificate = made(swedish_course)
    response = client.get(f"/c/{services.shown(certificate.code)}")  # no login
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Genuine certificate" in page
    assert "أ. ي." in page and AMINA not in page and "1988" not in page
    assert "Svenska för vardagen" in page and "7 study hours of 45 minutes" in page
    assert "Malmö Möllan" in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/c/{certificate.code.lower()}").status_code == 200  # typed in small


@pytest.mark.parametrize("code", [
    "0000000000", "ZZZZZ-ZZZZZ", "x" * 300, "%00", "' OR 1=1 --", "\u202e7K3QD", "١٢٣٤٥٦٧٨٩٠"])
def test_a_forged_code_finds_nothing(client, swedish_course, code):
    made(swedish_course)
    response = client.get(f"/c/{code}")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)


def test_an_altered_code_finds_nothing(client, swedish_course):
    code = made(swedish_course).code
    for index in range(len(code)):  # any one letter changed
        other = "0" if code[index] != "0" else "1"
        altered = code[:index] + other + code[index + 1:]
        assert client.get(f"/c/{altered}").status_code == 404


def test_a_code_typed_into_the_form_opens_its_page(client, swedish_course):
    certificate = made(swedish_course)
    assert client.get("/c").status_code == 200
    typed = f" {certificate.code[:5].lower()} {certificate.code[5:].lower()} "
    response = client.get("/c", query_string={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/c/{services.shown(certificate.code)}")
    wrong = client.get("/c", query_string={"code": "abc"})
    assert wrong.status_code == 422 and "ten letters and digits" in wrong.get_data(as_text=True)
    assert client.get("/c", query_string={"code": ""}).status_code == 422


def test_the_public_page_is_rate_limited(app, client, swedish_course):
    app.config["CHECK_LIMIT_PER_IP"] = "5 per 10 minutes"
    code = services.shown(made(swedish_course).code)
    answers = [client.get(f"/c/{code}" if i % 2 else "/c/0000000000").status_code
               for i in range(5)]
    assert answers == [404, 200, 404, 200, 404]
    assert client.get(f"/c/{code}").status_code == 429  # a real code too, once over the limit
    assert client.get("/c", query_string={"code": code}).status_code == 429


@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_hostile_values_in_the_addresses_never_break_a_page(client, swedish_course, nasty):
    certificate = made(swedish_course)
    typed = client.get("/c", query_string={"code": nasty})
    if nasty == "١٢٣٤٥٦٧٨٩٠":  # Arabic-Indic digits are read as digits: a code's shape
        assert typed.headers["Location"].endswith("/c/12345-67890")
    else:
        assert typed.status_code == 422
    assert "<script>alert(1)</script>" not in typed.get_data(as_text=True)
    checked = client.get("/c/" + quote(nasty, safe=""))
    # A slash in the code makes another address: the router's redirect, never a header split.
    assert checked.status_code in ((308, 404) if "/" in nasty else (404,))
    assert "evil" not in checked.headers.get("Set-Cookie", "")
    assert "<script>alert(1)</script>" not in checked.get_data(as_text=True)
    client.login(swedish_course["amina"].email)
    pdf = client.get(f"/certificates/{certificate.id}.pdf",
                     query_string={f"c{certificate.id}-language": nasty})
    assert pdf.status_code == 200 and "Kursintyg" in text_of(pdf.data)[0]  # the place's
