"""Which pupils an audit entry is about.

django-auditlog keeps one ``LogEntry`` per change or read (who, when, before → after); this
table indexes those entries by pupil, so a pupil's history is one indexed query whatever the
kind of record (enrolment, result, note, assignment, attendance…), and it keeps deleted
records findable. An entry about a guardian shared by siblings has one link per sibling.
"""

from auditlog.models import LogEntry
from django.db import models


class StudentLink(models.Model):
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="student_links")
    # A plain number, not a foreign key: the audit app sits below the schools app, and the
    # link must outlive a deleted record (the retention purge removes the links itself).
    student_id = models.PositiveBigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "student_id"], name="one_link_per_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.student_id}"
