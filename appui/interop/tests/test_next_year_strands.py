"""The next year's levels take last year's split between the strands and the terminale
parcours rule, like the other level settings; the parcours themselves are per year."""

from decimal import Decimal

from appui.schools.models import Level

from .test_next_year import JUNE, next_file, run, school, year_of  # noqa: F401 - fixture


def test_the_split_and_the_parcours_rule_are_carried_forward(school, time_machine):  # noqa: F811
    level = Level.objects.get(year=year_of(school, 2026), short_name="2de pro")
    level.consolidation_hours = Decimal("30")
    level.personalised_hours = Decimal("40")
    level.orientation_hours = Decimal(level.ap_hours) - 70
    level.group_by_parcours = True
    level.save()
    time_machine.move_to(JUNE)
    run(next_file(), school)
    later = Level.objects.get(year=year_of(school, 2027), mef_mask=level.mef_mask)
    assert later.strand_split == level.strand_split
    assert later.group_by_parcours is True
