"""Results import bench: preview and apply of a 1,500-row results file.

    .venv/bin/python bench/results_import.py [--students 1500] [--competencies 10] [--repeat 3]

Builds, in a throwaway SQLite database (a temporary file, migrated from scratch), one level
of ``--students`` students in divisions of 30, the default framework and an open campaign
on ``--competencies`` competencies; then fills the campaign's template CSV as a teacher would
(random levels, a few « abs ») and times, with the services the web pages call:

1. the preview (read, match, clean, compare; the file and its summary stored);
2. the first apply: every result created in one transaction, then the touched students' need
   profiles recomputed (in bulk);
3. the same file applied again: everything unchanged, nothing written;
4. a file where one cell in ten changed: results updated, touched profiles recomputed;
5. the preview of the same data as XLSX.

Steps 1, 3 and 5 are repeated ``--repeat`` times (best and median printed); the applies
change the database, so they run once each.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup_django(directory: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(students: int, competencies: int):
    """A school, one level of ``students`` students, an open campaign; returns it and a user."""
    from appui.accounts.models import User
    from appui.diagnostics import services
    from appui.diagnostics.models import Campaign
    from appui.schools.models import Division, Level, Period, School, SchoolYear, Student

    school = School.objects.create(uai="0219999X", name="Lycée du banc d'essai", city="Dijon")
    year = SchoolYear.objects.create(
        school=school,
        start_year=2026,
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 3),
        is_current=True,
    )
    period = Period.objects.create(
        year=year,
        number=1,
        name="Période 1",
        start_date=date(2026, 9, 1),
        end_date=date(2026, 10, 16),
    )
    level = Level.objects.create(
        year=year, track="bacpro", year_in_cycle=1, name="2nde professionnelle", short_name="2PRO"
    )
    divisions = Division.objects.bulk_create(
        Division(year=year, level=level, code=f"2P{n:02d}") for n in range(1, students // 30 + 2)
    )
    rng = random.Random(2026)
    first_names = ["Léa", "Zoé", "Inès", "Hugo", "Noé", "Chloé", "Adèle", "Élias", "Maël", "Jade"]
    last_names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
    Student.objects.bulk_create(
        Student(
            school=school,
            ine=f"{100000000 + n:09d}{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}",
            last_name=f"{rng.choice(last_names)}-{n}",
            first_name=rng.choice(first_names),
            birth_date=date(2010, 1, 1) + timedelta(days=rng.randrange(700)),
            division=divisions[n // 30],
            search_text=f"eleve {n}",
        )
        for n in range(students)
    )
    framework = services.framework_install_default(school=school)
    chosen = list(framework.competencies.filter(retired=False).order_by("pk")[:competencies])
    campaign = services.campaign_create(
        level=level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=date(2026, 9, 15),
        framework=framework,
        competencies=chosen,
    )
    services.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    user = User.objects.create_user(username="coordination", password="x")
    return campaign, user


def filled_rows(campaign, rng: random.Random, change_share: float = 1.0, base=None):
    """The template's rows with values in the competency columns.

    With ``base`` (rows filled earlier), only ``change_share`` of the cells get a new value.
    """
    from appui.core.io.tabular import ExportFormat, render
    from appui.diagnostics.imports import ResultsExporter

    exporter = ResultsExporter.template(campaign)
    text = b"".join(render(exporter, ExportFormat.CSV)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    values = ["1", "2", "2", "3", "3", "3", "4", "MF", "MS", "abs"]
    identity = 5
    for index, row in enumerate(rows[1:], start=1):
        for column in range(identity, len(row)):
            if base is None:
                row[column] = rng.choice(values)
            else:
                old = base[index][column]
                row[column] = (
                    rng.choice([v for v in values if v != old])
                    if rng.random() < change_share
                    else old
                )
    return rows


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Résultats")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--competencies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="appui-bench-") as directory:
        setup_django(directory)
        from appui.diagnostics import imports
        from appui.diagnostics.models import Result
        from appui.interop import services as import_services

        campaign, user = build(args.students, args.competencies)
        rng = random.Random(7)
        rows = filled_rows(campaign, rng)
        content = csv_bytes(rows)
        changed_rows = filled_rows(campaign, rng, change_share=0.1, base=rows)
        changed = csv_bytes(changed_rows)
        xlsx = xlsx_bytes(rows)

        # Time the need-profile recomputation apart: it is a large share of an apply.
        recompute = imports.profiles_recompute
        profile_seconds = [0.0]

        def timed_recompute(**kwargs):
            start = time.perf_counter()
            try:
                return recompute(**kwargs)
            finally:
                profile_seconds[0] += time.perf_counter() - start

        imports.profiles_recompute = timed_recompute

        def preview(data: bytes, name: str):
            return import_services.import_preview(
                kind="results",
                school=campaign.year.school,
                user=user,
                content=data,
                file_name=name,
                options={"campaign": campaign.pk},
            )

        def apply(batch):
            profile_seconds[0] = 0.0
            return import_services.import_apply(batch=batch, user=user).outcome

        report = []
        batch, times = timed(lambda: preview(content, "resultats.csv"), args.repeat)
        counts = batch.summary["counts"]["results"]
        report.append(
            (
                f"preview, CSV {len(content) // 1024} kB",
                times,
                f"{len(rows) - 1} rows, {counts['new']} results to create, "
                f"{batch.summary['skippable_rows']} rows in error",
            )
        )
        outcome, times = timed(lambda: apply(batch))
        report.append(
            (
                "apply, first time",
                times,
                f"{outcome.created} created, {outcome.students} profiles recomputed "
                f"in {profile_seconds[0]:.2f} s",
            )
        )
        assert Result.objects.filter(campaign=campaign).count() == outcome.created
        first_apply, first_profiles = min(times), profile_seconds[0]
        first_preview = min(report[0][1])

        again, times = timed(lambda: apply(preview(content, "resultats.csv")), args.repeat)
        report.append(
            (
                "same file again (preview + apply)",
                times,
                f"{again.created} created, {again.changed} changed, {again.unchanged} unchanged",
            )
        )
        second = preview(changed, "resultats-v2.csv")
        outcome, times = timed(lambda: apply(second))
        report.append(
            (
                "apply, 1 cell in 10 changed",
                times,
                f"{outcome.changed} changed, {outcome.unchanged} unchanged, "
                f"{outcome.students} profiles recomputed in {profile_seconds[0]:.2f} s",
            )
        )
        batch, times = timed(lambda: preview(xlsx, "resultats.xlsx"), args.repeat)
        report.append(
            (
                f"preview, XLSX {len(xlsx) // 1024} kB",
                times,
                f"{batch.summary['counts']['results']['unchanged']} results unchanged",
            )
        )

        print(
            f"Results import: {args.students} students × {args.competencies} competencies "
            f"({args.students * args.competencies} cells), SQLite, best of {args.repeat} where "
            "repeated"
        )
        width = max(len(label) for label, _times, _note in report)
        for label, times, note in report:
            median = f" (median {statistics.median(times):.2f} s)" if len(times) > 1 else ""
            print(f"  {label:<{width}}  {min(times):6.2f} s{median}  {note}")
        print(
            f"Import of {args.students} rows: preview {first_preview:.2f} s, then apply "
            f"{first_apply:.2f} s, of which {first_profiles:.2f} s recomputing need profiles "
            f"({first_profiles / max(args.students, 1) * 1000:.1f} ms per student)."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
