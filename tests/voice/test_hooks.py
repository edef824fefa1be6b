"""What proposals do for other features: messages in the reader's language, erasure (the
words go unless realised, the counts stay) and My data."""

from email.header import decode_header, make_header

from flask import url_for
from sqlalchemy import func, select

from portal import signals, work
from portal.extensions import db
from portal.i18n import force_locale
from portal.notify import services as notify
from portal.notify import worker
from portal.notify.models import Notification
from portal.privacy.services import erase
from portal.voice import services
from portal.voice.models import Proposal, ProposalStatus, Support
from tests.privacy.test_erasure import traces


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_everyone_who_asked_is_told_in_their_own_language(people, propose, smtp_server):
    proposal = propose("Sykkelkurs")
    services.support(people["fatima"], proposal.id)
    services.support(people["olena"], proposal.id)
    services.realise(people["coordinator"], proposal.id, "study_circle", 6)
    work.commit()
    worker.run_once()  # the delivery worker sends each e-mail, in its reader's language
    subjects = {m["To"]: subject_of(m) for m in smtp_server}
    assert subjects == {people["proposer"].email: "Vi gjør det: Sykkelkurs",
                        people["fatima"].email: "سننفّذه: Sykkelkurs",
                        people["olena"].email: "We'll do it: Sykkelkurs"}


def test_each_answer_has_its_own_message_and_link(people, propose):
    done, later, joined = propose("Bikes"), propose("Chess"), propose("Bicycles")
    activity = services.realise(people["coordinator"], done.id, "study_circle", 5)
    services.decline(people["coordinator"], later.id, "No room this term")
    services.join(people["coordinator"], joined.id, done.id)
    messages = {n.kind: n for n in db.session.scalars(select(Notification))}
    with force_locale("en"):
        realised, not_now, merged = (messages["proposal_realised"],
                                     messages["proposal_not_now"], messages["proposal_joined"])
        assert notify.body(realised) == ("You asked for “Bikes”, and we will do it. You may "
                                         "join before it opens to everyone.")
        assert notify.link(realised) == (url_for("activities.show", activity_id=activity.id),
                                         "Open the activity")
        assert notify.subject(not_now) == "Not now: Chess"
        assert notify.body(not_now) == ("Thank you for asking for “Chess”. We cannot do it "
                                        "now. Reason: No room this term")
        assert notify.body(merged) == ("“Bicycles” is joined with “Bikes”, which asks for much "
                                       "the same. Your support counts there now.")
        assert notify.link(merged) == (url_for("voice.show", proposal_id=done.id),
                                       "Open the proposal")


def test_erasure_blanks_the_persons_words_keeps_realised_ones_and_every_count(
        people, propose):
    proposer, coordinator = people["proposer"], people["coordinator"]
    waiting = propose("Zebrafinch knitting", description="Quokka yarn at my place")
    declined = propose("Xylophone evenings", description="Quokka music")
    realised = propose("Velocipede club", description="Bikes for all")
    theirs = propose("Football", by=people["other"])
    for proposal in (declined, realised, theirs):
        services.support(people["olena"], proposal.id)
    services.support(proposer, theirs.id)
    services.decline(coordinator, declined.id, "No room")
    services.realise(coordinator, realised.id, "study_circle", 5)
    assert traces("Zebrafinch", "Quokka", "Xylophone") == {"proposal"}

    erase(coordinator, proposer)
    db.session.expire_all()

    assert traces("Zebrafinch", "Quokka", "Xylophone") == set()
    rows = {p.id: p for p in db.session.scalars(select(Proposal))}
    assert (rows[waiting.id].status, rows[waiting.id].title) == (ProposalStatus.WITHDRAWN, "")
    assert (rows[declined.id].status, rows[declined.id].title,
            rows[declined.id].reason) == (ProposalStatus.NOT_NOW, "", "No room")
    assert (rows[realised.id].title, rows[realised.id].description) == (
        "Velocipede club", "Bikes for all")
    assert {rows[i].proposer_id for i in (waiting.id, declined.id, realised.id)} == {None}
    assert not any(rows[i].can_help for i in (waiting.id, declined.id, realised.id))
    # Their support goes; the number of people who supported stays.
    assert db.session.scalar(select(func.count()).select_from(Support).where(
        Support.user_id == proposer.id)) == 0
    assert rows[theirs.id].support_count == 2
    # Others' messages about the declined proposal no longer show its title.
    [message] = db.session.scalars(select(Notification).where(
        Notification.kind == "proposal_not_now"))
    with force_locale("en"):
        assert notify.subject(message) == "Not now: –"


def test_my_data_has_my_proposals_and_what_i_support(people, propose):
    mine = propose("Bikes", languages=["no", "so"])
    services.decline(people["coordinator"], mine.id, "Not this term")
    theirs = propose("Chess", by=people["other"])
    services.support(people["proposer"], theirs.id)
    sections = signals.collect(signals.data_requested, people["proposer"])
    [proposal] = sections["proposals"]
    assert {k: proposal[k] for k in ("title", "description", "kind", "languages", "can_help",
                                     "status", "reason")} == {
        "title": "Bikes", "description": "Learn to ride a bike together", "kind": "activity",
        "languages": ["no", "so"], "can_help": True, "status": "not_now",
        "reason": "Not this term"}
    assert proposal["made"] and proposal["answered"]
    [supported] = sections["supported"]
    assert supported["proposal"] == "Chess" and supported["since"]


def test_the_my_data_page_lists_what_i_proposed_and_support(client, people, propose):
    propose("Zebra rides")
    services.support(people["proposer"], propose("Chess club", by=people["other"]).id)
    people["proposer"].language = "en"
    client.login(people["proposer"].email)
    page = client.get("/privacy/my-data").get_data(as_text=True)
    made = page[page.index("Proposals I made"):page.index("Proposals I support")]
    assert "Zebra rides" in made and "Chess club" not in made
    assert "Chess club" in page[page.index("Proposals I support"):]
