"""Link texts say where they go: none is one of the generic texts Lighthouse's link-text
audit flags ("start", "here", "read more" …), in any language."""

from html.parser import HTMLParser

import pytest

from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind
from portal.extensions import db
from portal.i18n import LANGUAGES

# Lighthouse 12, core/audits/seo/link-text.js: the lists for the languages Bro speaks.
GENERIC = {
    "click here", "click this", "go", "here", "information", "learn more", "more", "more info",
    "more information", "right here", "read more", "see more", "start", "this",
    "här", "klicka här", "läs mer", "mer", "mer info", "mer information",
}
LOGGED_OUT = ["/", "/activities", "/accounts/register", "/accounts/login", "/accounts/forgot",
              "/privacy"]
LOGGED_IN = ["/", "/activities", "/goals", "/meetings", "/notify", "/notify/settings",
             "/accounts/profile", "/privacy/my-data", "/privacy/consents"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self._open.append([dict(attrs)["href"], ""])

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open.pop()))


def generic_links(html: str, path: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return [(href, text) for href, text in parser.links
            if href.split("#")[0] not in ("", path)  # Lighthouse skips links to the page itself
            and " ".join(text.split()).lower() in GENERIC]


@pytest.fixture
def activity(site, make_user):
    leader = make_user(Role.VOLUNTEER, name="Lars Leader")
    made = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Svenska för nybörjare", capacity=3))
    db.session.commit()
    return made


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_link_text_is_generic(client, login_as, activity, code):
    language = {"Accept-Language": code}
    pages = {f"{path} (logged out)": (path, client.get(path, headers=language))
             for path in LOGGED_OUT}
    login_as(language=code)
    pages |= {path: (path, client.get(path, headers=language)) for path in LOGGED_IN}
    found = {}
    for name, (path, response) in pages.items():
        assert response.status_code == 200, name
        if links := generic_links(response.text, path):
            found[name] = links
    assert found == {}
