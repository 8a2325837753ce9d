from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appui.schools.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Construit (ou reconstruit) l'établissement de démonstration, fictif."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="graine (démo reproductible)")
        parser.add_argument("--students", type=int, default=500, help="nombre d'élèves")
        parser.add_argument(
            "--insecure-demo-passwords",
            action="store_true",
            help="accepter les mots de passe « demo » alors que DEBUG est désactivé",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="ne rien faire si un établissement existe déjà",
        )

    def handle(self, *args, seed, students, insecure_demo_passwords, if_empty, **options):
        from appui.schools.models import School

        if if_empty and School.objects.exists():
            self.stdout.write("Un établissement existe déjà : démo non rechargée.")
            return
        if not settings.DEBUG and not insecure_demo_passwords:
            raise CommandError(
                "DEBUG est désactivé : la démo crée des comptes au mot de passe « demo ». "
                "Relancez avec --insecure-demo-passwords si c'est bien voulu."
            )
        if students < 20:
            raise CommandError("Il faut au moins 20 élèves pour une démo réaliste.")
        result = build_demo(seed=seed, students=students)
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo prête : {result.school.name} ({result.school.uai}) — "
                f"{counts['students']} élèves, {counts['divisions']} divisions, "
                f"{counts['levels']} niveaux, {counts['staff']} personnels, "
                f"{counts['periods']} périodes."
            )
        )
        self.stdout.write(f"Comptes (mot de passe « {DEMO_PASSWORD} ») :")
        for username, description in result.accounts.items():
            self.stdout.write(f"  {username:<13} {description}")
