"""Hostile input through the participant's own road-to-work forms and the statement's period
(tests/test_hostile_input.py sends it through the staff forms): never a 500, always escaped."""

import pytest

from portal.privacy import consents
from tests.test_hostile_input import FIELDS, NASTY

OWN_FORMS = ["/employment/me/outcomes", "/employment/me/interviews", "/employment/me/check-in",
             "/employment/me/check-in/skip"]


@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_the_participants_forms_survive_hostile_values(client, road, nasty):
    participant = road["participant"]
    consents.give(participant, consents.JOB_CENTRE, "en")
    client.login(participant.email)
    failures = []
    for url in OWN_FORMS:
        response = client.post(url, {name: nasty for name in FIELDS})
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        elif "<script>alert(1)</script>" in response.get_data(as_text=True):
            failures.append(f"{url}: not escaped")
    for kind in ("pdf", "csv"):
        url = f"/employment/people/{participant.id}/statement.{kind}"
        response = client.get(url, query_string={"first_day": nasty, "last_day": nasty})
        if response.status_code >= 500 or "<script>alert(1)</script>" in response.get_data(
                as_text=True):
            failures.append(f"{url}: {response.status_code}")
    assert failures == []
