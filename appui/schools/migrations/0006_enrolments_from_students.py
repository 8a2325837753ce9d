"""One enrolment per existing pupil, for the year of their division (or, without a division,
the school's current year): the history starts with what appui held."""

from django.db import migrations


def forwards(apps, schema_editor):
    Student = apps.get_model("schools", "Student")
    SchoolYear = apps.get_model("schools", "SchoolYear")
    Enrolment = apps.get_model("schools", "Enrolment")
    current = {
        y.school_id: y.pk
        for y in SchoolYear.objects.order_by("school_id", "is_current", "start_year")
    }
    rows = []
    for student in Student.objects.select_related("division").iterator():
        year_id = student.division.year_id if student.division_id else current.get(student.school_id)
        if year_id is None:
            continue
        rows.append(
            Enrolment(
                student_id=student.pk,
                year_id=year_id,
                division_id=student.division_id,
                mef=student.mef,
                scheme=student.scheme,
                entry_date=student.entry_date,
                exit_date=student.exit_date,
            )
        )
    Enrolment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_enrolments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
