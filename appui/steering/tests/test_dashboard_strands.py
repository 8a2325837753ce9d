"""The dashboard's hours section breaks the hours down by strand (seed 000, « Les trois
volets »): delivered per strand, planned by the level's split."""

import datetime
from decimal import Decimal

import pytest

from appui.steering import dashboard, selectors
from appui.steering.dashboard.sections import hours_section

pytestmark = pytest.mark.django_db


def test_the_hours_table_has_planned_and_delivered_per_strand(world, groups):
    level = world.level
    level.consolidation_hours, level.personalised_hours, level.orientation_hours = (
        Decimal("40"),
        Decimal("30"),
        Decimal("20"),
    )
    level.save()
    scope = selectors.Scope(school=world.school, year=world.year, today=datetime.date(2026, 11, 24))
    section = hours_section(dashboard.compute(scope))
    keys = [column.key for column in section.columns]
    for strand in ("consolidation", "personalised", "orientation"):
        assert f"{strand}_planned" in keys and f"{strand}_delivered" in keys
    rows = {(row["level"], row["division"]): row for row in section.rows}
    mine = rows[(level.name, "")]
    assert (mine["consolidation_planned"], mine["orientation_planned"]) == (40.0, 20.0)
    # No session held yet: nothing delivered in any strand.
    assert mine["consolidation_delivered"] == mine["orientation_delivered"] == 0.0
    other = rows[(world.other_level.name, "")]
    assert other["consolidation_planned"] is None  # no split set for that level
