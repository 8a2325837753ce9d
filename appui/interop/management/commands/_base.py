"""The one base of the import commands: read the file, print the preview, apply unless
--dry-run, through the registry kind's analyser and importer (:func:`services.import_run`).

A command declares its registry ``kind`` (or picks it in :meth:`ImportCommand.kind_for`), its
own options, and how they become the school and the kind's options; the preview printed is
the importer's (the same whether or not ``--dry-run`` is given).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appui.interop import services
from appui.interop.plan import ImportRefused
from appui.interop.registry import KINDS


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(
            f"{path} : le fichier ne peut pas être lu ({error.strerror or error})."
        ) from error


class ImportCommand(BaseCommand):
    kind = ""  # a key of registry.KINDS

    @property
    def kinds(self) -> tuple[str, ...]:
        """The registry kinds this command imports."""
        return (self.kind,)

    def add_arguments(self, parser):
        parser.add_argument("file", help="le fichier à importer")
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche l'aperçu sans rien enregistrer"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seconde confirmation d'un import signalé « À CONFIRMER » dans l'aperçu "
            "(beaucoup d'élèves sortants, export plus ancien que le dernier importé)",
        )

    def kind_for(self, **options) -> str:
        return self.kind

    def target(self, **options):
        """The school imported into (``services.FROM_FILE``: the one the file names)."""
        return services.FROM_FILE

    def import_options(self, **options) -> dict:
        """The kind's options, as its upload form would give them."""
        return {}

    def handle(self, *args, file: str, dry_run: bool, force: bool = False, **options):
        kind = self.kind_for(**options)
        assert kind in KINDS, kind
        extra = options.get("nomenclature")
        self.run_import(
            kind=kind,
            file=file,
            dry_run=dry_run,
            school=self.target(**options),
            options=self.import_options(**options),
            extra=extra,
            skip_invalid=bool(options.get("skip_invalid")),
            confirmed=force,
        )

    def run_import(
        self,
        *,
        kind,
        file: str,
        dry_run: bool,
        school,
        options,
        extra=None,
        skip_invalid=False,
        confirmed=False,
    ) -> None:
        content = read_file(file)
        extra_content = read_file(extra) if extra else None
        try:
            outcome = services.import_run(
                kind=kind,
                school=school,
                content=content,
                file_name=Path(file).name,
                extra_content=extra_content,
                extra_name=Path(extra).name if extra else "",
                options=options,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                confirmed=confirmed,
                report=lambda importer: self.stdout.write("\n".join(importer.lines())),
            )
        except ImportRefused as refused:
            raise CommandError("Import refusé. " + " ".join(refused.messages)) from refused
        if not outcome.applied:
            self.stdout.write("Essai à blanc (--dry-run) : rien n'a été enregistré.")
            return
        self.stdout.write(self.style.SUCCESS(outcome.importer.done_text()))
