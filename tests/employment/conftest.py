from datetime import date

import pytest

from portal.accounts.models import Role
from portal.employment import services
from portal.employment.models import PartnerKind


@pytest.fixture
def road(site, make_user):
    """A Norwegian place with a coordinator, a participant and two partners."""
    coordinator = make_user(Role.COORDINATOR, name="Ingrid Coordinator")
    participant = make_user(name="Amina Participant")
    employer = services.add_partner(coordinator, site, services.PartnerData(
        name="Kafé Bro AS", kind=PartnerKind.EMPLOYER, contact_name="Kari Kontakt",
        phone="+4790000000", email="kari@example.org", notes="Good kitchen"))
    nav = services.add_partner(coordinator, site, services.PartnerData(
        name="NAV Grünerløkka", kind=PartnerKind.JOB_CENTRE))
    return {"site": site, "coordinator": coordinator, "participant": participant,
            "employer": employer, "nav": nav}


def placement_data(partner, **changes) -> services.PlacementData:
    data = dict(partner_id=partner.id, role="Kitchen assistant", starts_on=date(2026, 3, 2),
                ends_on=date(2026, 3, 15), weekdays=[0, 2], hours_per_week=12,
                mentor_name="Ola Mentor", mentor_phone="+4791111111", status="active",
                staff_notes="Shy at first")
    return services.PlacementData(**(data | changes))
