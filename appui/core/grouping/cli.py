"""Command line, no Django::

    python -m appui.core.grouping solve INSTANCE.json [--time-limit S] [--seed N] [--workers N]
        [--start PLAN.json [--minimal-change]] [--deterministic] -o SOLUTION.json
    python -m appui.core.grouping check INSTANCE.json SOLUTION.json
    python -m appui.core.grouping explain INSTANCE.json SOLUTION.json [--student ID]
    python -m appui.core.grouping generate {cap,300,450} [--seed N] -o INSTANCE.json

Exit status: 0 when all is well; 1 when no plan exists (``solve``) or a hard rule is broken
(``check``); 2 when an input file is unreadable or malformed. Messages are in French.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from appui.core.text import plural

from .explain import explain
from .generator import PRESETS, preset
from .instance import Group, Instance, InstanceError
from .metrics import format_metrics
from .solution import Solution
from .solver import solve
from .validation import check

TERM_LABELS = {
    "need": "besoins servis",
    "homogeneity": "homogénéité",
    "wishes": "vœux",
    "mixing": "mixité",
    "change": "renouvellement",
    "load": "équilibre des services",
    "stay": "changements",
}
STATUS_LABELS = {
    "optimal": "optimal (prouvé)",
    "feasible": "réalisable (optimalité non prouvée)",
    "infeasible": "impossible",
    "unknown": "aucun plan trouvé",
    "invalid": "plan enfreignant des règles",
}


def number(value: int | float | None) -> str:
    """French number formatting: narrow no-break space thousands, decimal comma."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{value:,}".replace(",", "\u202f").replace("-", "−")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %".replace(".", ",")


def print_terms(terms: dict[str, int], out: TextIO) -> None:
    parts = [f"{TERM_LABELS.get(k, k)} {number(v)}" for k, v in terms.items()]
    print(f"Termes : {' ; '.join(parts)}", file=out)


def print_metrics(metrics: dict[str, object], out: TextIO) -> None:
    print("Indicateurs :", file=out)
    for line in format_metrics(metrics):
        print(f"  {line}", file=out)


def _load_instance(path: str) -> Instance:
    return Instance.load(path)  # InstanceError (French) when unreadable or malformed


def _load_solution(path: str) -> Solution:
    return Solution.load(path)


def positive_seconds(text: str) -> float:
    """argparse type of ``--time-limit``: a number of seconds > 0, French message otherwise."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre de secondes attendu, pas « {text} »") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(
            f"la durée doit être strictement positive (reçu « {text} »)"
        )
    return value


def _load_start(path: str) -> list[Group]:
    """The plan to start from: a solution file (``solve -o``); French errors otherwise."""
    try:
        return list(Solution.load(path).groups)
    except InstanceError as error:
        raise InstanceError(
            [f"Plan de départ {path} : {message}" for message in error.messages]
        ) from error


def cmd_solve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instance = _load_instance(args.instance)
    start = _load_start(args.start) if args.start else None
    if args.minimal_change and start is None:
        print("--minimal-change demande un plan de départ (--start PLAN.json).", file=err)
        return 2
    solution = solve(
        instance,
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        gap_limit=args.gap_limit,
        start=start,
        minimal_change=args.minimal_change,
        deterministic=args.deterministic,
    )
    text = solution.to_json() + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    # Without a plan the reasons are errors (stderr); with one, the summary goes to stdout
    # unless stdout carries the solution itself.
    summary = err if not args.output or not solution.is_plan else out
    print(f"Statut : {STATUS_LABELS.get(solution.status, solution.status)}", file=summary)
    if not solution.is_plan:
        print("Aucun plan ne respecte toutes les règles :", file=summary)
        for message in solution.messages:
            print(f"  - {message}", file=summary)
        return 1
    print(
        f"Objectif : {number(solution.objective)} ; borne prouvée {number(solution.bound)} ; "
        f"écart {percent(solution.gap)} ; {len(solution.groups)} groupes ; "
        f"{number(solution.wall_time or 0.0)} s",
        file=summary,
    )
    print_terms(dict(solution.terms), summary)
    print_metrics(dict(solution.metrics), summary)
    return 0


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instance = _load_instance(args.instance)
    solution = _load_solution(args.solution)
    report = check(instance, solution)
    if report.violations:
        count = len(report.violations)
        print(f"{plural(count, 'règle enfreinte', 'règles enfreintes')} :", file=out)
        for v in report.violations:
            print(f"  - {v.message}", file=out)
    else:
        print("Toutes les règles sont respectées.", file=out)
    stated = ""
    if report.stated_objective is not None and report.stated_objective != report.objective:
        stated = f" (le fichier annonçait {number(report.stated_objective)})"
    print(f"Objectif recalculé : {number(report.objective)}{stated}", file=out)
    print_terms(report.terms, out)
    print_metrics(report.metrics, out)
    return 0 if report.ok else 1


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instance = _load_instance(args.instance)
    solution = _load_solution(args.solution)
    students = [args.student] if args.student else [s.id for s in instance.students]
    known = {s.id for s in instance.students}
    for student in students:
        if student not in known:
            print(f"Élève inconnu : {student}.", file=err)
            return 2
        print(f"{student} :", file=out)
        for sentence in explain(instance, solution, student):
            print(f"  {sentence}", file=out)
    return 0


def cmd_generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instance = preset(args.size, seed=args.seed)
    text = instance.to_json() + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0


class FrenchParser(argparse.ArgumentParser):
    """argparse with its error line in French (exit 2, as for any bad input)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def parser() -> argparse.ArgumentParser:
    main = FrenchParser(
        prog="python -m appui.core.grouping",
        description="Groupes de besoins : résolution, vérification et explication des plans.",
    )
    sub = main.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="calcule un plan de groupes")
    p.add_argument("instance", help="instance JSON")
    p.add_argument("-o", "--output", help="fichier JSON de la solution (sinon : sortie standard)")
    p.add_argument(
        "--time-limit", type=positive_seconds, default=10.0, help="secondes > 0 (défaut : 10)"
    )
    p.add_argument("--seed", type=int, default=0, help="graine (défaut : 0)")
    p.add_argument(
        "--workers", type=int, default=None, help="processus du solveur (défaut : cœurs)"
    )
    p.add_argument(
        "--gap-limit", type=float, default=0.0, help="arrêt à cet écart relatif (ex. 0.01)"
    )
    p.add_argument(
        "--start",
        metavar="PLAN.json",
        help="plan de départ (fichier écrit par solve -o) ; les verrous de l'instance priment",
    )
    p.add_argument(
        "--minimal-change",
        action="store_true",
        help="ne déplacer que les élèves qu'il faut (avec --start ; poids « stay »)",
    )
    p.add_argument(
        "--deterministic",
        action="store_true",
        help="arrêt sur un budget de calcul plutôt que l'horloge (même plan, même graine, "
        "avec --workers 1)",
    )
    p.set_defaults(run=cmd_solve)
    p = sub.add_parser("check", help="vérifie un plan et affiche ses indicateurs")
    p.add_argument("instance")
    p.add_argument("solution")
    p.set_defaults(run=cmd_check)
    p = sub.add_parser("explain", help="explique à chaque élève son placement")
    p.add_argument("instance")
    p.add_argument("solution")
    p.add_argument("--student", help="un seul élève")
    p.set_defaults(run=cmd_explain)
    p = sub.add_parser("generate", help="génère une instance fictive réaliste")
    p.add_argument("size", choices=sorted(PRESETS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output")
    p.set_defaults(run=cmd_generate)
    return main


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = parser().parse_args(argv)
    try:
        return int(args.run(args, out, err))
    except InstanceError as error:
        print("Fichier invalide :", file=err)
        for message in error.messages:
            print(f"  - {message}", file=err)
        return 2
