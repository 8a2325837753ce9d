"""The SIECLE import: its plan (:class:`~.analysis.SiecleAnalysis`), and writing it."""

from __future__ import annotations

from appui.audit import trail
from appui.schools.models import (
    Division,
    Enrolment,
    Level,
    Membership,
    Period,
    School,
    Student,
    StudentGroup,
)
from appui.schools.services import year_make_current
from appui.tutoring.services import tutorships_propose

from ..structure import record_enrolments
from .analysis import SiecleAnalysis


class SiecleImport(SiecleAnalysis):
    """The plan for one SIECLE export, and how to write it."""

    def batch_links(self) -> dict:
        """The export date, kept to compare with the next SIECLE file."""
        return {"export_date": self.export.parameters.export_date}

    def write(self, *, user=None) -> School:
        """Write the plan (the caller holds the transaction)."""
        if self.creates_school:
            self.school.full_clean()
            self.school.save()
        if self.creates_year:
            self.year.school = self.school
            self.year.full_clean(exclude=["school"])
            self.year.save()
            Period.objects.bulk_create(self.new_periods)
        if user is not None and getattr(user, "is_authenticated", False) and self.creates_school:
            # Whoever creates the school runs it in appui until they hand the role over.
            Membership.objects.get_or_create(
                user=user, school=self.school, role=Membership.Role.HEAD
            )
        Level.objects.bulk_create(self.levels.new)
        Division.objects.bulk_create(self.new_divisions)
        # Changes first: an INE a student of appui gives up may be a new student's.
        if self.changed_students:
            trail.record_updates(self.changed_students, sorted(self.changed_fields))
            Student.objects.bulk_update(
                self.changed_students, sorted(self.changed_fields), batch_size=500
            )
        Student.objects.bulk_create(self.new_students, batch_size=500)
        trail.record_created(self.new_students)
        StudentGroup.objects.bulk_create(self.new_groups)
        division_through = StudentGroup.divisions.through
        division_through.objects.bulk_create(
            [
                division_through(studentgroup_id=group.pk, division_id=division.pk)
                for group, division in self.group_divisions
            ],
            ignore_conflicts=True,
        )
        student_through = StudentGroup.students.through
        for group_id, student_ids in self.dropped_memberships.items():
            # Membership of a group is the current state SIECLE gives, not history.
            student_through.objects.filter(
                studentgroup_id=group_id, student_id__in=student_ids
            ).delete()
        student_through.objects.bulk_create(
            [
                student_through(studentgroup_id=group.pk, student_id=student.pk)
                for group, student in self.group_students
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        if self.previous is None:
            # The current year's enrolments hold what the pupils now say.
            record_enrolments(
                self.year, [*self.in_file, *self.changed_students, *self.new_students]
            )
            return self.school
        enrolment_fields = ["division", "mef", "scheme", "entry_date", "exit_date", "repeating"]
        trail.record_created(Enrolment.objects.bulk_create(self.new_enrolments, batch_size=500))
        trail.record_updates(self.changed_enrolments, enrolment_fields)
        Enrolment.objects.bulk_update(self.changed_enrolments, enrolment_fields, batch_size=500)
        tutorships_propose(previous=self.previous, year=self.year, today=self.today)
        if self.becomes_current:
            year_make_current(year=self.year, user=user)
        return self.school
