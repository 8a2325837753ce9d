"""Import bench: how long reading a 1,500-student SIECLE export and its STS-web file takes.

    .venv/bin/python bench/imports.py [--students 1500] [--repeat 3] [--keep DIR] [--budget 5]

The files are fictitious (``appui.core.io.samples``): a zipped ``ElevesSansAdresses.xml`` in
ISO-8859-15 and ``sts_emp_<UAI>_<year>.xml``, as the national applications deliver them.
Each :class:`Step` receives the same :class:`BenchFiles` and is timed ``--repeat`` times;
the best and median times are printed, then the total of the best times, checked against
``--budget`` seconds (the issue asks for the whole import in under 5 s).

The database import (matching, preview, transaction) plugs in as one more step, without
touching the rest::

    def django_import(files: BenchFiles) -> str:
        ...  # call the import services on files.siecle_zip and files.sts
        return "1500 students written"

    STEPS.append(Step("Django import (preview + write)", django_import))

``--keep DIR`` also writes the files, so a management command can be timed on them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appui.core.io.samples import fictitious_school  # noqa: E402
from appui.core.io.siecle import parse_siecle  # noqa: E402
from appui.core.io.sts import parse_sts  # noqa: E402

SIECLE_NAME = "ExportXML_ElevesSansAdresses.zip"


@dataclass(frozen=True)
class BenchFiles:
    """The files every step works on."""

    siecle_zip: bytes
    siecle_name: str
    sts: bytes
    sts_name: str
    students: int


@dataclass(frozen=True)
class Step:
    """A timed step: ``run`` returns a short description of what it did."""

    name: str
    run: Callable[[BenchFiles], str]


def read_siecle(files: BenchFiles) -> str:
    """Parse the zipped SIECLE export into records."""
    export = parse_siecle(files.siecle_zip, files.siecle_name)
    if export.has_errors:
        raise SystemExit(f"unexpected errors in the generated SIECLE file: {export.errors[:3]}")
    return (
        f"{len(export.students)} students ({len(export.current_students)} current, "
        f"{len(export.left_students)} left), {len(export.divisions)} divisions"
    )


def read_sts(files: BenchFiles) -> str:
    """Parse the STS-web export into records."""
    export = parse_sts(files.sts, files.sts_name)
    if export.has_errors:
        raise SystemExit(f"unexpected errors in the generated STS file: {export.errors[:3]}")
    return (
        f"{len(export.individuals)} staff, {len(export.divisions)} divisions, "
        f"{len(export.groups)} groups"
    )


#: Steps timed in order; later parts of the import are appended here.
STEPS: list[Step] = [
    Step("read SIECLE (zip, ISO-8859-15)", read_siecle),
    Step("read STS-web", read_sts),
]


def make_files(students: int, seed: int = 0) -> BenchFiles:
    """Generate the fictitious files for a school of ``students`` students."""
    school = fictitious_school(students, seed=seed)
    return BenchFiles(
        siecle_zip=school.siecle_zip(),
        siecle_name=SIECLE_NAME,
        sts=school.sts(),
        sts_name=school.sts_file_name,
        students=students,
    )


def time_steps(
    files: BenchFiles, steps: Sequence[Step], repeat: int
) -> list[tuple[str, float, float, str]]:
    """(name, best seconds, median seconds, description) for each step."""
    results = []
    for step in steps:
        durations = []
        detail = ""
        for _ in range(repeat):
            start = time.perf_counter()
            detail = step.run(files)
            durations.append(time.perf_counter() - start)
        results.append((step.name, min(durations), statistics.median(durations), detail))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the files, time every step, print the figures; 1 when over budget."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="also write the generated files here")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds for all steps")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    files = make_files(args.students, args.seed)
    generated = time.perf_counter() - start
    print(
        f"generated {args.students} students in {generated:.2f} s: "
        f"{files.siecle_name} {len(files.siecle_zip) / 1024:.0f} KiB, "
        f"{files.sts_name} {len(files.sts) / 1024:.0f} KiB"
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / files.siecle_name).write_bytes(files.siecle_zip)
        (args.keep / files.sts_name).write_bytes(files.sts)
        print(f"files written to {args.keep}")

    results = time_steps(files, STEPS, args.repeat)
    width = max(len(name) for name, *_ in results)
    for name, best, median, detail in results:
        print(f"{name:<{width}}  best {best:6.3f} s  median {median:6.3f} s  {detail}")
    total = sum(best for _, best, _, _ in results)
    verdict = "within" if total <= args.budget else "OVER"
    print(f"{'total':<{width}}  best {total:6.3f} s  ({verdict} the {args.budget:g} s budget)")
    return 0 if total <= args.budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
