"""The terminale « parcours personnalisé »: each pupil of a Bac Pro terminale chooses to
prepare for professional insertion or for further studies (seed 001, « Mise en œuvre en
classe de baccalauréat professionnel »: « Sur l'année de terminale, comment le soutien au
parcours s'articule-t-il avec le choix du parcours personnalisé (préparation insertion ou
préparation poursuite d'études) ? »).

The choice is made each year (it lives on the pupil's enrolment); need groups of a level can
be asked to keep the two parcours apart (see ``docs/grouping.md``). Plain Python.
"""

from __future__ import annotations

from enum import StrEnum

from appui.core.io.mef import Track

__all__ = ["Parcours", "has_parcours"]


class Parcours(StrEnum):
    """A terminale pupil's parcours; ``UNDECIDED`` ("") until the pupil has chosen."""

    UNDECIDED = ""
    INSERTION = "insertion"
    FURTHER_STUDIES = "further_studies"

    @property
    def label(self) -> str:
        """French label."""
        return _LABELS[self]


_LABELS = {
    Parcours.UNDECIDED: "non choisi",
    Parcours.INSERTION: "préparation à l'insertion professionnelle",
    Parcours.FURTHER_STUDIES: "préparation à la poursuite d'études",
}


def has_parcours(track: str, year_in_cycle: int) -> bool:
    """Whether pupils of a level choose a parcours: the terminale of the Bac Pro (third year
    of its cycle), where the texts place the choice (seed 001)."""
    return track == Track.BAC_PRO and year_in_cycle == 3
