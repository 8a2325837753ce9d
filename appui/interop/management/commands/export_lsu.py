"""``python manage.py export_lsu --period ID -o FILE``.

Writes the LSU import file (collège levels) of one period of appui. When the LSU requires
something appui lacks, lists every gap and exits with status 1 without writing anything: the
web page (Exports → LSU) shows the same list and lets the head complete it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appui.core.text import plural
from appui.interop.lsu import lsu_preview
from appui.schools.models import Period


class Command(BaseCommand):
    help = "Écrit le fichier d'import LSU (collège) d'une période : AP, groupes et bilans."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="identifiant de la période")
        parser.add_argument("-o", "--output", required=True, help="fichier XML à écrire")

    def handle(self, *args, period, output, **options):
        chosen = Period.objects.select_related("year__school").filter(pk=period).first()
        if chosen is None:
            raise CommandError(f"Aucune période n'a l'identifiant {period}.")
        school = chosen.year.school
        preview = lsu_preview(school, chosen)
        self.stdout.write(f"{school.name} ({school.uai}) — {chosen.name}")
        for key, label in (("students", "élèves"), ("groups", "groupes d'AP")):
            self.stdout.write(f"  {preview.counts.get(key, 0)} {label}")
        for warning in preview.warnings:
            self.stdout.write(f"  attention : {warning}")
        if not preview.levels:
            raise CommandError("Aucun niveau de collège : rien à exporter vers le LSU.")
        if preview.gaps:
            for gap in preview.gaps:
                self.stdout.write(f"  [manque] {gap}")
            raise CommandError(
                f"Le LSU exige {plural(len(preview.gaps), 'élément', 'éléments')} qu'appui "
                "n'a pas : "
                "aucun fichier n'a été écrit."
            )
        xml = preview.build()
        try:
            Path(output).write_bytes(xml)
        except OSError as error:
            raise CommandError(f"{output} : écriture impossible ({error.strerror}).") from error
        self.stdout.write(self.style.SUCCESS(f"Fichier LSU écrit : {output} ({len(xml)} octets)."))
