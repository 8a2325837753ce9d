import datetime

import pytest

from appui.diagnostics import services
from appui.diagnostics.models import Campaign
from appui.schools.models import Period


@pytest.fixture
def campaign(world):
    """An open LSU campaign for level L (division 2A) on three competencies."""
    framework = services.framework_install_default(school=world.school)
    period = Period.objects.create(
        year=world.year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    competencies = list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL", "ME.ORG"]))
    campaign = services.campaign_create(
        level=world.level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=competencies,
    )
    services.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    return campaign


@pytest.fixture
def competency(campaign):
    return campaign.competencies.get(code="FR.LEC")
