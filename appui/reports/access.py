"""Who may print the batches of documents (``appui.reports.tasks``)."""

from appui.schools.access import SchoolAccess


def can_print_division_letters(access: SchoolAccess, division) -> bool:
    """The letters to every family of a division: the head and the coordinators of its
    level (a teacher prints the letter of one pupil from the pupil's page)."""
    return access.can_coordinate_level(division.level_id)
