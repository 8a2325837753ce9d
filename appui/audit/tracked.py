"""The records about a pupil that the audit trail follows, and how each finds its pupil(s).

One list for the whole project. Models are named by label (``app.Model``) and looked up when
the apps are ready, so this low app never imports the apps above it. Adding a model that
holds data about pupils means adding one line here (and its bulk writes through
``appui.audit.trail``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditlog.registry import auditlog
from django.apps import apps
from django.db import models

# Bookkeeping columns: they change on every save and say nothing the entry does not already
# say (its author and time), or are derived (the folded search name).
NOISE = ("search_text", "updated_at", "updated_by", "created_at", "computed_at", "version")


def _own(obj: Any) -> list[int]:
    return [obj.pk] if obj.pk is not None else []


def _student_field(obj: Any) -> list[int]:
    return [obj.student_id] if obj.student_id is not None else []


def _guardian_children(obj: Any) -> list[int]:
    # A guardian shared by siblings is in each sibling's history. A new guardian has no
    # children yet: the link rows (StudentGuardian) that follow carry the pupils.
    if obj.pk is None:
        return []
    return list(obj.studentguardian_set.values_list("student_id", flat=True))


def _tutee(obj: Any) -> list[int]:
    tutorship = obj.tutorship
    return [tutorship.student_id] if tutorship is not None else []


@dataclass(frozen=True)
class Tracked:
    label: str
    students: Callable[[Any], list[int]] = _student_field
    exclude: tuple[str, ...] = field(default=())


TRACKED: tuple[Tracked, ...] = (
    # identity, enrolment, guardians
    Tracked("schools.Student", _own),
    Tracked("schools.Enrolment"),
    Tracked("schools.Guardian", _guardian_children),
    Tracked("schools.StudentGuardian"),
    # diagnosis: results, notes (interviews, observations), need profiles
    Tracked("diagnostics.Result"),
    Tracked("diagnostics.Interview"),
    Tracked("diagnostics.Observation"),
    Tracked("diagnostics.NeedProfile"),
    # group placements
    Tracked("planning.Assignment", exclude=("explanation",)),
    # attendance, progress marks, stage reviews
    Tracked("followup.Attendance"),
    Tracked("followup.ProgressMark"),
    Tracked("followup.StageReview"),
    # tutorship
    Tracked("tutoring.Tutorship"),
    Tracked("tutoring.TutorMeeting", _tutee),
    # study help outside class: sign-ups, cancellations (deletions) and their attendance
    Tracked("tutoring.StudyHelpSignup", exclude=("signed_up_at",)),
)

_BY_MODEL: dict[type[models.Model], Tracked] = {}


def register_all() -> None:
    for tracked in TRACKED:
        model = apps.get_model(tracked.label)
        # The model's own columns only: auditlog would otherwise list reverse relations in
        # every creation entry.
        skip = {"id", *NOISE, *tracked.exclude}
        include = [f.name for f in model._meta.concrete_fields if f.name not in skip]
        if model not in _BY_MODEL:
            auditlog.register(model, include_fields=include)
        _BY_MODEL[model] = tracked
    from . import trail

    trail.connect()


def tracking(model: type[models.Model]) -> Tracked | None:
    """How ``model`` is tracked, or None when the trail does not follow it."""
    concrete = model._meta.concrete_model
    return _BY_MODEL.get(concrete) if concrete is not None else None


def students_of(obj: models.Model) -> list[int]:
    tracked = tracking(type(obj))
    return tracked.students(obj) if tracked is not None else []
