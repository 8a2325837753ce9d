"""The demo levels split their volume between the three strands; the demo terminale pupils
have chosen a parcours (a few not yet)."""

import pytest

from appui.schools.models import Enrolment, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = False
    return build_demo(seed=7, students=60)


def test_every_lycee_level_has_a_split_that_adds_up(demo):
    levels = {level.short_name: level for level in Level.objects.filter(year__school=demo.school)}
    for short in ("CAP1", "CAP2", "2NDPRO", "1PRO", "TPRO"):
        split = levels[short].strand_split
        assert split is not None and split.total == levels[short].hour_volume().due_minutes
    assert levels["6E"].strand_split is None


def test_terminale_pupils_have_parcours_and_the_other_levels_none(demo):
    enrolments = Enrolment.objects.filter(student__school=demo.school, exit_date__isnull=True)
    terminale = enrolments.filter(division__level__short_name="TPRO")
    assert set(terminale.values_list("parcours", flat=True)) >= {"insertion", "further_studies"}
    assert not enrolments.exclude(division__level__short_name="TPRO").exclude(parcours="").exists()
