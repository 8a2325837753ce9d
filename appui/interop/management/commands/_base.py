"""What the import commands share: read the file, print the preview, apply unless --dry-run."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appui.interop import services
from appui.interop.plan import ImportRefused


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(
            f"{path} : le fichier ne peut pas être lu ({error.strerror or error})."
        ) from error


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="le fichier à importer")
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche l'aperçu sans rien enregistrer"
        )

    def run_import(self, *, file: str, dry_run: bool, school, options=None, extra=None) -> None:
        extra_content = read_file(extra) if extra else None
        try:
            outcome = services.import_run(
                kind=self.kind,
                school=school,
                content=read_file(file),
                file_name=Path(file).name,
                extra_content=extra_content,
                extra_name=Path(extra).name if extra else "",
                options=options or {},
                dry_run=dry_run,
                report=lambda plan: self.stdout.write("\n".join(plan.lines())),
            )
        except ImportRefused as refused:
            raise CommandError("Import refusé. " + " ".join(refused.messages)) from refused
        if not outcome.applied:
            self.stdout.write("Essai à blanc (--dry-run) : rien n'a été enregistré.")
            return
        self.stdout.write(self.style.SUCCESS("Import enregistré."))
