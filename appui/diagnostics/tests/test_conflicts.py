"""Rewording a competency carries the texts it was opened on: two coordinators rewording one
competency at once never silently overwrite each other; the second is refused, nothing
written. (No page rewords a competency yet: the service is ready for its form.)"""

import pytest

from appui.diagnostics import services
from appui.diagnostics.models import Competency
from appui.schools.services import ChangedMeanwhile, text_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def competency(world) -> Competency:
    framework = services.framework_install_default(school=world.school)
    return framework.competencies.order_by("pk").first()


def _opened(competency: Competency) -> dict[str, str | None]:
    return {
        "label": text_version(competency.label),
        "description": text_version(competency.description),
    }


def test_a_stale_rewording_is_refused_and_nothing_is_written(world, competency):
    opened = _opened(competency)
    services.competency_update(
        competency=Competency.objects.get(pk=competency.pk),
        label="Libellé de A",
        description="Description de A",
        versions=opened,
    )
    with pytest.raises(ChangedMeanwhile):
        services.competency_update(
            competency=Competency.objects.get(pk=competency.pk),
            label="Libellé de B",
            description="",
            versions=opened,
        )
    stored = Competency.objects.get(pk=competency.pk)
    assert (stored.label, stored.description) == ("Libellé de A", "Description de A")


def test_a_current_rewording_saves(world, competency):
    services.competency_update(
        competency=competency, label="Nouveau", description="", versions=_opened(competency)
    )
    assert Competency.objects.get(pk=competency.pk).label == "Nouveau"
