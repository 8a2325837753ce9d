"""Hostile files bench: time and peak memory of every reader and import on tiny hostile files.

    .venv/bin/python bench/hostile.py [--only NAME] [--no-imports]

Builds the files of :mod:`appui.core.io.samples_hostile` (a workbook claiming
``A1:XFD1048576``, an ODS cell repeated 100,000,000 times, zip bombs, billion laughs…) and
runs each through:

1. the core readers (``read_table`` for spreadsheets; ``parse_siecle``, ``parse_sts``,
   ``parse_people`` and ``parse_nomenclature`` for XML);
2. unless ``--no-imports``, every import kind's analysis, as the upload page calls it
   (``appui.interop.services.analyse``), in a throwaway SQLite database holding one school
   and an open campaign: students, staff, results and LSU reports for spreadsheets; SIECLE,
   STS-web and guardians for XML.

Each run is a forked child process, so its peak resident memory (``ru_maxrss``) is measured
from its own start; it prints the outcome (refused with the first French message, or read),
the wall time and the extra peak memory. The bar (docs/architecture.md): every hostile file
refused (or read within bounds) in under 2 s and 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TIME_BAR = 2.0
MEMORY_BAR_MB = 200.0


def measure(run: Callable[[], str]) -> tuple[str, float, float]:
    """Run ``run`` in a forked child: (outcome, seconds, extra peak MB)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            outcome = run()
        except BaseException as exc:  # report whatever happened, never hang the bench
            outcome = f"CRASH {type(exc).__name__}: {exc}"[:200]
        elapsed = time.perf_counter() - started
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        os.write(write_end, f"{elapsed}\t{peak}\t{outcome}".encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    elapsed, peak, outcome = b"".join(chunks).decode().split("\t", 2)
    return outcome, float(elapsed), float(peak)


def core_runs() -> list[tuple[str, str, Callable[[], str]]]:
    from appui.core.io import samples_hostile
    from appui.core.io.errors import ImportFileError
    from appui.core.io.siecle import parse_nomenclature, parse_siecle
    from appui.core.io.siecle_people import parse_people
    from appui.core.io.sts import parse_sts
    from appui.core.io.tabular import read_table

    def run(parse, data: bytes) -> Callable[[], str]:
        def call() -> str:
            try:
                result = parse(data, "hostile")
            except ImportFileError as error:
                return f"refused: {error.issues[0].message[:90]}"
            issues = getattr(result, "issues", [])
            return f"read ({len(issues)} issues)"

        return call

    runs = []
    for name, build in samples_hostile.SPREADSHEETS.items():
        runs.append((name, "read_table", run(read_table, build())))
    parsers = {
        "parse_siecle": parse_siecle,
        "parse_sts": parse_sts,
        "parse_people": parse_people,
        "parse_nomenclature": parse_nomenclature,
    }
    for name, build in samples_hostile.XML_FILES.items():
        data = build()
        for label, parse in parsers.items():
            runs.append((name, label, run(parse, data)))
    return runs


def import_runs(directory: str) -> list[tuple[str, str, Callable[[], str]]]:
    from bench.results_import import build, setup_django

    setup_django(directory)
    campaign, _user = build(30, 3)
    from django.db import connections

    from appui.core.io import samples_hostile
    from appui.interop.services import ImportRefused, analyse

    school = campaign.year.school
    connections.close_all()  # each forked child opens its own connection

    def run(kind: str, data: bytes, options: dict) -> Callable[[], str]:
        def call() -> str:
            try:
                importer = analyse(
                    kind, school=school, content=data, file_name="hostile", options=options
                )
            except ImportRefused as refused:
                return f"refused: {str(refused.messages[0])[:90]}"
            return f"read: {importer.plan.summary()}"[:120]

        return call

    runs = []
    spreadsheet_kinds = {
        "students": {},
        "staff": {},
        "results": {"campaign": campaign.pk},
        "lsu": {},
    }
    for name, build_file in samples_hostile.SPREADSHEETS.items():
        data = build_file()
        for kind, options in spreadsheet_kinds.items():
            runs.append((name, f"import {kind}", run(kind, data, options)))
    for name, build_file in samples_hostile.XML_FILES.items():
        data = build_file()
        for kind in ("siecle", "sts", "guardians"):
            runs.append((name, f"import {kind}", run(kind, data, {})))
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the files whose name contains this")
    parser.add_argument("--no-imports", action="store_true", help="core readers only")
    args = parser.parse_args()
    runs = core_runs()
    with tempfile.TemporaryDirectory() as directory:
        if not args.no_imports:
            runs += import_runs(directory)
        worst_time = worst_memory = 0.0
        failures = 0
        print(f"{'file':34} {'reader':20} {'s':>6} {'MB':>7}  outcome")
        for name, reader, call in runs:
            if args.only and args.only not in name:
                continue
            outcome, elapsed, peak = measure(call)
            worst_time = max(worst_time, elapsed)
            worst_memory = max(worst_memory, peak)
            bad = elapsed > TIME_BAR or peak > MEMORY_BAR_MB or outcome.startswith("CRASH")
            failures += bad
            flag = "  <-- over the bar" if bad else ""
            print(f"{name:34} {reader:20} {elapsed:6.2f} {peak:7.1f}  {outcome}{flag}")
    print(
        f"\nworst: {worst_time:.2f} s, {worst_memory:.1f} MB extra peak; "
        f"{failures} run(s) over {TIME_BAR} s / {MEMORY_BAR_MB:.0f} MB or crashed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
