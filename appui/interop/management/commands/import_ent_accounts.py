"""``python manage.py import_ent_accounts FILE --uai UAI [--provider cas|oidc] [--dry-run]``.

Links the accounts of an ENT accounts export to appui accounts (docs/connexion.md), as the
web import does: same preview, one transaction unless ``--dry-run``, nothing created for
rows that match nobody.
"""

from django.core.management.base import CommandError

from appui.schools.models import School

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Relie les comptes d'un export des comptes de l'ENT aux comptes appui."
    kind = "ent_accounts"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--uai", required=True, help="UAI de l'établissement")
        parser.add_argument("--provider", choices=["cas", "oidc"], help="connexion (CAS/OIDC)")
        parser.add_argument("--identifier-column", default="", help="en-tête de l'identifiant")

    def target(self, **options):
        school = School.objects.filter(uai=options["uai"].upper()).first()
        if school is None:
            raise CommandError(f"Aucun établissement n'a l'UAI {options['uai']}.")
        return school

    def import_options(self, **options) -> dict:
        return {
            "provider": options.get("provider") or "",
            "identifier_column": options.get("identifier_column") or "",
        }
