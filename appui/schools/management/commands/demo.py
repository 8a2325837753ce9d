import datetime
import time
import zoneinfo
from contextlib import nullcontext

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from appui.schools.demo import DEMO_PASSWORD, build_academy_demo, build_demo


class Command(BaseCommand):
    help = (
        "Construit (ou reconstruit) l'établissement de démonstration, fictif ; avec --schools, "
        "une académie de N établissements fictifs (démos, mesures)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="graine (démo reproductible)")
        parser.add_argument(
            "--students", type=int, default=500, help="nombre d'élèves (par établissement)"
        )
        parser.add_argument(
            "--schools",
            type=int,
            default=0,
            help="construire une académie de N établissements (UAI 0218001…, comptes "
            "<compte>-<uai>, p. ex. direction-0218001h) au lieu de l'établissement de démo",
        )
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="date (AAAA-MM-JJ) jusqu'à laquelle l'année est jouée : séances, appel, "
            "évaluations ; par défaut aujourd'hui",
        )
        parser.add_argument(
            "--solve-seconds",
            type=float,
            default=None,
            help="temps de calcul des groupes par niveau et période (2 s pour la démo, "
            "0,5 s avec --schools)",
        )
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

    def handle(
        self,
        *args,
        seed,
        students,
        schools,
        until,
        solve_seconds,
        insecure_demo_passwords,
        if_empty,
        **options,
    ):
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
        if not 0 <= schools <= 999:
            raise CommandError("Entre 1 et 999 établissements.")
        if solve_seconds is None:
            solve_seconds = 0.5 if schools else getattr(settings, "DEMO_SOLVE_SECONDS", 2.0)
        started = time.perf_counter()

        def built(result, number: int) -> None:
            """Each school as soon as it is built (a long académie build shows its progress)."""
            self._ready(result, f" [{number}/{schools}, {time.perf_counter() - started:.0f} s]")

        with _clock_at(until), _solve_seconds(solve_seconds):
            if schools:
                results = build_academy_demo(
                    schools=schools, students=students, seed=seed, today=until, on_school=built
                )
            else:
                results = [build_demo(seed=seed, students=students)]
                self._ready(results[0])
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner after a bulk build.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        if schools:
            self.stdout.write(f"{schools} établissements construits en {elapsed:.0f} s.")
            self.stdout.write(
                f"Comptes (mot de passe « {DEMO_PASSWORD} ») : academie-demo, admin-academie, "
                "et dans chaque établissement direction-<uai>, coordination-<uai>, "
                "professeur-<uai>, tuteur-<uai>, eleve-<uai>, parent-<uai> "
                f"(p. ex. direction-{results[0].school.uai.lower()})."
            )
            return
        self.stdout.write(f"Comptes (mot de passe « {DEMO_PASSWORD} ») :")
        for username, description in results[0].accounts.items():
            self.stdout.write(f"  {username:<13} {description}")

    def _ready(self, result, progress: str = "") -> None:
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo prête : {result.school.name} ({result.school.uai}) — "
                f"{counts['students']} élèves, {counts['divisions']} divisions, "
                f"{counts['levels']} niveaux, {counts['staff']} personnels, "
                f"{counts['periods']} périodes.{progress}"
            )
        )


def _clock_at(until: datetime.date | None):
    """Play the year up to ``until``: every builder reads today's date, so the clock moves
    there (noon in Paris) while the demo is built."""
    if until is None:
        return nullcontext()
    try:
        import time_machine
    except ModuleNotFoundError as error:  # a production install has no test dependencies
        raise CommandError("--until a besoin de time-machine (dépendances de dev).") from error
    noon = datetime.datetime.combine(until, datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris"))
    return time_machine.travel(noon, tick=True)


class _solve_seconds:
    """The grouping time of the planning demo, for this build only."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self):
        self.before = getattr(settings, "DEMO_SOLVE_SECONDS", None)
        settings.DEMO_SOLVE_SECONDS = self.seconds

    def __exit__(self, *exc):
        if self.before is None:
            del settings.DEMO_SOLVE_SECONDS
        else:
            settings.DEMO_SOLVE_SECONDS = self.before
