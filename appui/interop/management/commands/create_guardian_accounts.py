"""``python manage.py create_guardian_accounts [--school UAI] [--dry-run]``.

Creates an account (``prenom.nom``, no usable password) with the guardian role for each legal
guardian of a present student who has none, as the « Guardians without an account » page
does. Running it again creates nothing.
"""

from django.core.management.base import BaseCommand

from appui.core.text import plural
from appui.schools.selectors import guardians_without_account
from appui.schools.services import guardian_accounts_create

from .import_students import school_by_uai


class Command(BaseCommand):
    help = "Crée les comptes des responsables légaux qui n'en ont pas encore."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="UAI de l'établissement")
        parser.add_argument(
            "--dry-run", action="store_true", help="liste les responsables sans créer de compte"
        )

    def handle(self, *args, school=None, dry_run=False, **options):
        target = school_by_uai(school)
        guardians = list(guardians_without_account(target))
        if dry_run:
            for guardian in guardians:
                self.stdout.write(f"  {guardian}")
            self.stdout.write(
                f"{plural(len(guardians), 'responsable', 'responsables')} sans compte. "
                "Essai à blanc (--dry-run) : aucun compte créé."
            )
            return
        created = guardian_accounts_create(school=target, guardians=guardians)
        for guardian in created:
            self.stdout.write(f"  {guardian} : compte « {guardian.user.username} »")
        self.stdout.write(
            self.style.SUCCESS(
                f"{plural(len(created), 'compte', 'comptes')} de responsable "
                f"{'créés' if len(created) > 1 else 'créé'}, sans mot de passe."
            )
        )
