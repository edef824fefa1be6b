"""The demo data shows proposals in every state, so a newcomer sees all of it."""

from sqlalchemy import select

from portal import demo, work
from portal.accounts.models import User
from portal.activities import services as activities
from portal.activities.models import Activity
from portal.extensions import db
from portal.voice.models import Proposal, ProposalStatus


def test_the_demo_has_proposals_in_every_state_and_amina_may_join_early(app):
    with work.unit():
        demo.seed(participants=60)
    assert set(db.session.scalars(select(Proposal.status))) == set(ProposalStatus)
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    assert db.session.scalar(select(Proposal.status).where(
        Proposal.proposer_id == amina.id)) == ProposalStatus.OPEN
    swimming = db.session.scalar(select(Activity).join(
        Proposal, Proposal.activity_id == Activity.id).where(
        Proposal.title == "Svømmekurs for kvinner"))
    assert swimming.women_only and activities.may_join_early(amina, swimming)
    answered = db.session.scalars(select(Proposal).where(Proposal.answered_at.is_not(None)))
    assert all(p.created_at < p.answered_at for p in answered)
