"""``python manage.py export_student INE [--school UAI]``.

Prints, as JSON on stdout (UTF-8, dates in ISO 8601), everything appui holds about one pupil
across all years (:func:`appui.interop.student_export.student_export`): for a family's access
request or a pupil who changes school. Exits with status 1 and a French message for an
unknown INE, or an INE found in several schools without ``--school``.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from appui.interop.student_export import student_export
from appui.schools.models import Student


class Command(BaseCommand):
    help = "Affiche en JSON tout ce qu'appui détient sur un élève (toutes années confondues)."

    def add_arguments(self, parser):
        parser.add_argument("ine", help="l'INE de l'élève (identifiant national élève)")
        parser.add_argument(
            "--school", metavar="UAI", help="l'établissement, si l'INE figure dans plusieurs"
        )

    def handle(self, *args, ine: str, school: str | None = None, **options):
        ine = ine.strip().upper()
        students = Student.objects.filter(ine=ine).select_related("school")
        if school:
            students = students.filter(school__uai=school.strip().upper())
        found = list(students[:10])
        if not found:
            where = f" dans l'établissement {school}" if school else ""
            raise CommandError(f"Aucun élève n'a l'INE {ine}{where}.")
        if len(found) > 1:
            uais = ", ".join(sorted(s.school.uai for s in found))
            raise CommandError(
                f"L'INE {ine} figure dans plusieurs établissements ({uais}) : "
                "précisez lequel avec --school UAI."
            )
        data = student_export(found[0])
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
