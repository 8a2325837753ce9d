"""The demo's split of each level's yearly volume between the three strands (seed 000) and
the terminale pupils' parcours (seed 001). Kept apart from ``demo.py`` so the demo's random
stream for everything else is unchanged (its own generator, seeded from the demo's seed)."""

import random
from decimal import Decimal

from django.utils import timezone

from .models import Enrolment, Level, Parcours, SchoolYear, Student

#: Hours of consolidation, personalised support and orientation per demo level; each adds up
#: to the level's volume (CAP 101.5 h then 91 h; Bac Pro 90, 84 and 91 h). Collège levels
#: keep no split. Terminale leans to orientation, the year of the parcours.
SPLITS = {
    "CAP1": ("40", "40", "21.5"),
    "CAP2": ("30", "36", "25"),
    "2NDPRO": ("36", "36", "18"),
    "1PRO": ("30", "30", "24"),
    "TPRO": ("25", "30", "36"),
}

#: Parcours chosen by project at the interview; pupils without a clear project are split.
_BY_PROJECT: dict[str, str] = {
    Student.Project.INSERTION: Parcours.INSERTION,
    Student.Project.FURTHER_STUDIES: Parcours.FURTHER_STUDIES,
}


def extend(levels: dict[str, Level], year: SchoolYear, seed: int) -> None:
    """Set the demo levels' splits and the terminale pupils' parcours (a few undecided)."""
    rng = random.Random(f"{seed}-strands")
    for short, (consolidation, personalised, orientation) in SPLITS.items():
        level = levels.get(short)
        if level is None:
            continue
        level.consolidation_hours = Decimal(consolidation)
        level.personalised_hours = Decimal(personalised)
        level.orientation_hours = Decimal(orientation)
        level.full_clean()
        level.save()
    now = timezone.now()
    chosen = []
    terminales = [level for level in levels.values() if level.has_parcours]
    enrolments = Enrolment.objects.filter(
        year=year, division__level__in=terminales, exit_date__isnull=True
    ).select_related("student")
    for enrolment in enrolments.order_by("pk"):
        parcours = _BY_PROJECT.get(enrolment.student.project)
        if parcours is None:
            parcours = rng.choice([Parcours.INSERTION, Parcours.FURTHER_STUDIES, ""])
        elif rng.random() < 0.1:
            parcours = ""  # not chosen yet
        if parcours:
            enrolment.parcours = parcours
            enrolment.parcours_set_at = now
            chosen.append(enrolment)
    Enrolment.objects.bulk_update(chosen, ["parcours", "parcours_set_at"], batch_size=500)
