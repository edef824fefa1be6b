"""Proposals in the reports: made, supported, answered, realised and the median days to an
answer, per meeting place and period, from a fixture counted by hand; small numbers "<5"."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.extensions import db
from portal.reports import voice
from portal.reports.periods import month
from portal.reports.services import build
from portal.reports.tables import tables
from portal.voice.models import Proposal, ProposalStatus

MARCH = month(date(2026, 3, 1))
QUERY = "period=month&at=2026-03-01"


def at(day: str, clock: str = "12:00") -> datetime:
    """A moment in UTC (Oslo and Stockholm are UTC+1 in March until the 29th, +2 after)."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def add(site, made: datetime, status=ProposalStatus.OPEN, answered: datetime | None = None,
        supports: int = 0, title: str = "Idea") -> Proposal:
    proposal = Proposal(site_id=site.id, kind="activity", title=title, status=status,
                        created_at=made, answered_at=answered, support_count=supports)
    db.session.add(proposal)
    return proposal


@pytest.fixture
def two_places(site, make_site):
    """Tøyen (Oslo) in March 2026, by hand:
    made in March: p1 p2 p3 p4 p5 p6 p7 p9 p10 = 9 (p11 is 28 Feb local time, p10 1 Mar);
    supported (made in March, support > 0): p1 p2 p4 p6 = 4;
    answered in March: p1 (3 days), p2 (1.5), p3 (10), p6 (2), p8 (10, made in February) = 5,
    realised p1 p6 = 2 (p9 is answered in April); median of 1.5 2 3 10 10 = 3.
    Rinkeby (Stockholm): made 2, supported 0, answered 1 (4 days), realised 0.
    Both: made 11, supported 4, answered 6, realised 2; median of 1.5 2 3 4 10 10 = 3.5."""
    R, N, J, W = (ProposalStatus.REALISED, ProposalStatus.NOT_NOW, ProposalStatus.JOINED,
                  ProposalStatus.WITHDRAWN)
    add(site, at("2026-03-02"), R, at("2026-03-05"), supports=3)  # p1
    add(site, at("2026-03-03", "00:00"), N, at("2026-03-04"), supports=1)  # p2
    add(site, at("2026-03-10"), J, at("2026-03-20"))  # p3
    add(site, at("2026-03-10"), supports=2)  # p4
    add(site, at("2026-03-15"), W)  # p5
    add(site, at("2026-03-20"), R, at("2026-03-22"), supports=1)  # p6
    add(site, at("2026-03-31", "21:30"))  # p7: 23:30 in Oslo
    add(site, at("2026-02-20"), N, at("2026-03-02"), supports=1)  # p8
    add(site, at("2026-03-28"), R, at("2026-04-02"))  # p9
    add(site, at("2026-02-28", "23:30"))  # p10: 00:30 on 1 March in Oslo
    add(site, at("2026-02-28", "22:30"))  # p11: 23:30 on 28 February in Oslo
    rinkeby = make_site("Rinkeby", "SE", "Europe/Stockholm")
    add(rinkeby, at("2026-03-05"), N, at("2026-03-09"))
    add(rinkeby, at("2026-03-06"))
    db.session.commit()
    return site, rinkeby


def test_the_figures_per_place_and_for_all_of_them(two_places):
    tøyen, rinkeby = two_places
    rows = voice.figures([tøyen, rinkeby], MARCH)
    assert [{k: v for k, v in row.items() if k != "site"} for row in rows] == [
        {"made": 9, "supported": 4, "answered": 5, "realised": 2, "median_days": 3.0},
        {"made": 2, "supported": 0, "answered": 1, "realised": 0, "median_days": 4.0},
        {"made": 11, "supported": 4, "answered": 6, "realised": 2, "median_days": 3.5}]
    assert [row["site"] for row in rows] == [tøyen, rinkeby, None]
    assert voice.figures([rinkeby], MARCH) == [rows[1]]


def test_a_place_without_proposals_counts_zero(site):
    assert voice.figures([site], MARCH) == [{"site": site, "made": 0, "supported": 0,
                                             "answered": 0, "realised": 0,
                                             "median_days": None}]


def test_the_table_shows_small_counts_as_less_than_five_and_the_median_from_five(
        app, two_places):
    tøyen, rinkeby = two_places
    with app.test_request_context(headers={"Accept-Language": "en"}):
        table = next(t for t in tables(build([tøyen, rinkeby], MARCH)) if t.key == "proposals")
    assert table.columns == ["Meeting place", "Proposals made", "Supported by others",
                             "Answered", "We'll do it", "Median days to an answer"]
    assert table.rows == [["Tøyen", 9, "<5", 5, "<5", "3"],
                          ["Rinkeby", "<5", 0, "<5", 0, "–"],  # one answer: no median
                          ["All my meeting places", 11, "<5", 6, "<5", "3.5"]]


def test_the_page_csv_and_workbook_have_the_proposals(client, make_user, two_places):
    tøyen, rinkeby = two_places
    client.login(make_user(Role.ADMIN).email)
    page = client.get(f"/reports/proposals?site={tøyen.id}&{QUERY}").get_data(as_text=True)
    assert "Proposals (I wish…)" in page and "Median days to an answer" in page
    exported = client.get(f"/reports/export.csv?table=proposals&site=all&{QUERY}")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1:] == [["Rinkeby", "<5", "0", "<5", "0", "–"],
                        ["Tøyen", "9", "<5", "5", "<5", "3"],
                        ["All my meeting places", "11", "<5", "6", "<5", "3.5"]]
    book = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?site=all&{QUERY}").data))
    sheet = book["Proposals (I wish…)"]
    assert [cell.value for cell in sheet[2]] == ["Rinkeby", "<5", 0, "<5", 0, "–"]
