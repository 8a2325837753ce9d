"""Benchmark of the need-group solver against two baselines, on seeded realistic instances.

    python bench/grouping.py [--sizes cap 300 450] [--seed 0] [--workers 2] [--json out.json]
    python bench/grouping.py --scale [--workers 2]

``--scale`` prints the scale table instead: 300, 600, 1,000 and 1,500 pupils (4 slots from
600 on), each without and with 5 locked pupils — pupils, time limit, wall time and how far
past the limit, objective, proven bound, gap, need coverage, broken rules and the machine's
load average (one minute) when the row ends. Run it on a quiet machine, or pinned and
reniced (``taskset -c 0,1 nice -n -5 …``), and quote the load with the figures.

For each size (``cap``: a 120-student CAP level, 2 slots; ``300``: 300 students, 3 slots, 24
groups per slot; ``450``: 450 students, 4 slots) it generates an instance with
``appui.core.grouping.generator`` and runs

* appui: ``grouping.solve`` (CP-SAT with proven bound) within the size's time limit, and
  again with ``gap_limit=0.01`` (stops as soon as the plan is within 1 % of the bound);
* baseline (b), greedy: what a careful coordinator does by hand (``greedy_plan``);
* baseline (a), divisions: each division is one group with one module per slot
  (``division_plan``), which breaks the size rules — reported rule by rule.

Every plan is judged by ``validation`` (hard rules, objective) and ``metrics``; gaps are
measured against the bound proven by appui's solve. The target at 300 students: within 1 %
of the proven bound in at most 10 s on 2 cores, every hard rule met.

    python bench/grouping.py --schemes 0.05 [--sizes 300] …

measures instead the cost of keeping special schemes apart: the same instance with that
share of ULIS pupils, solved with the rule off and on (full time, then ``gap_limit=0.01``),
with the greedy warm start and the number of groups mixing schemes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appui.core.grouping import (  # noqa: E402
    Instance,
    division_plan,
    finish,
    greedy_plan,
    preset,
    solve,
)
from appui.core.grouping.generator import PRESETS, with_schemes  # noqa: E402
from appui.core.grouping.validation import mixed_schemes, violations  # noqa: E402

#: Time limit per size, in seconds (the 300-student target is 10 s).
TIME_LIMITS = {"cap": 10.0, "300": 10.0, "450": 20.0}
TARGET = {"size": "300", "gap": 0.01, "seconds": 10.0}

COLUMNS = (
    ("method", "method", "{}"),
    ("objective", "objective", "{}"),
    ("gap", "gap", "pct"),
    ("need_coverage", "need cov.", "pct"),
    ("top_need_served", "top need", "pct"),
    ("mean_spread", "spread", "{:.2f}"),
    ("wishes_honoured", "wishes", "pct"),
    ("divisions_per_group", "div/grp", "{:.2f}"),
    ("changed_share", "changed", "pct"),
    ("groups", "groups", "{}"),
    ("seconds", "time s", "{:.2f}"),
    ("violations", "broken", "{}"),
)


def run_size(size: str, seed: int, workers: int, time_limit: float | None) -> dict[str, Any]:
    started = time.perf_counter()
    instance = preset(size, seed=seed)
    generated = time.perf_counter() - started
    limit = time_limit if time_limit is not None else TIME_LIMITS[size]
    rows: list[dict[str, Any]] = []

    started = time.perf_counter()
    solution = solve(instance, time_limit=limit, seed=seed, workers=workers)
    appui_time = time.perf_counter() - started
    bound = solution.bound
    rows.append(_row("appui", instance, solution, appui_time))

    # The same, asked to stop as soon as the plan is within 1 % of the proven bound.
    started = time.perf_counter()
    quick = solve(instance, time_limit=limit, seed=seed, workers=workers, gap_limit=TARGET["gap"])
    rows.append(_row("appui (1 %)", instance, quick, time.perf_counter() - started))

    started = time.perf_counter()
    greedy = greedy_plan(instance, seed=seed)
    greedy_time = time.perf_counter() - started
    rows.append(_row("greedy (b)", instance, finish(instance, greedy, bound=bound), greedy_time))

    started = time.perf_counter()
    divisions = division_plan(instance)
    division_time = time.perf_counter() - started
    division_solution = finish(instance, divisions, bound=bound)
    rows.append(_row("divisions (a)", instance, division_solution, division_time))

    return {
        "size": size,
        "students": len(instance.students),
        "slots": len(instance.slots),
        "divisions": len({s.division for s in instance.students}),
        "time_limit": limit,
        "generated_in": round(generated, 2),
        "status": solution.status,
        "bound": bound,
        "simple_bound": solution.simple_bound,
        "rows": rows,
        "division_breaks": _breaks(instance, divisions),
    }


def run_schemes(
    size: str, share: float, seed: int, workers: int, time_limit: float | None
) -> list[dict[str, Any]]:
    """The cost of keeping special schemes apart on one size: rule off vs on."""
    limit = time_limit if time_limit is not None else TIME_LIMITS[size]
    base = preset(size, seed=seed)
    rows = []
    for separate in (False, True):
        instance = with_schemes(base, share, seed=seed, separate=separate)
        started = time.perf_counter()
        greedy = greedy_plan(instance, seed=seed)
        greedy_time = time.perf_counter() - started
        row: dict[str, Any] = {
            "size": size,
            "rule": "on" if separate else "off",
            "ulis": sum(1 for s in instance.students if s.scheme),
            "greedy_valid": not violations(instance, greedy),
            "greedy_seconds": greedy_time,
        }
        for label, gap_limit in (("full", 0.0), ("1 %", TARGET["gap"])):
            started = time.perf_counter()
            solution = solve(
                instance, time_limit=limit, seed=seed, workers=workers, gap_limit=gap_limit
            )
            seconds = time.perf_counter() - started
            on = instance.with_changes(separate_schemes=True)
            row[label] = {
                "status": solution.status,
                "objective": solution.objective,
                "bound": solution.bound,
                "gap": solution.gap,
                "seconds": seconds,
                "violations": len(violations(instance, list(solution.groups))),
                "mixed_groups": sum(1 for g in solution.groups if mixed_schemes(on, g)),
            }
        rows.append(row)
    return rows


def print_schemes(rows: list[dict[str, Any]], share: float, workers: int) -> None:
    print(f"Special schemes kept apart: {100 * share:g} % ULIS pupils, {workers} workers")
    print(
        "size  rule  ulis  greedy ok  run   status     objective    bound     gap   time s  "
        "mixed groups  broken"
    )
    for row in rows:
        for label in ("full", "1 %"):
            r = row[label]
            print(
                f"{row['size']:>4}  {row['rule']:>4}  {row['ulis']:>4}  "
                f"{'yes' if row['greedy_valid'] else 'no':>9}  {label:>4}  {r['status']:>9}  "
                f"{r['objective'] or 0:>9}  {r['bound'] or 0:>7}  {_fmt(r['gap'], 'pct'):>6}  "
                f"{r['seconds']:>6.2f}  {r['mixed_groups']:>12}  {r['violations']:>6}"
            )


def _row(method: str, instance: Instance, solution: Any, seconds: float) -> dict[str, Any]:
    metrics = dict(solution.metrics)
    return {
        "method": method,
        "objective": solution.objective,
        "terms": dict(solution.terms),
        "seconds": seconds,
        "violations": len(violations(instance, list(solution.groups))),
        **{k: metrics.get(k) for k, _label, _fmt in COLUMNS if k in metrics},
        "gap": solution.gap
        if solution.gap is not None
        else _gap(solution.objective, solution.bound),
    }


def _gap(objective: int | None, bound: int | None) -> float | None:
    if objective is None or bound is None:
        return None
    return (bound - objective) / max(1, abs(bound))


def _breaks(instance: Instance, groups: list[Any]) -> dict[str, Any]:
    """How the division plan breaks the rules: count per rule, and the group sizes."""
    broken = violations(instance, groups)
    by_rule = Counter(v.rule for v in broken)
    examples = {}
    for v in broken:
        examples.setdefault(v.rule, v.message)
    modules = {m.id: m for m in instance.modules}
    too_big = [g for g in groups if len(g.students) > modules[g.module].max_size]
    return {
        "by_rule": dict(by_rule),
        "examples": examples,
        "groups": len(groups),
        "groups_over_max": len(too_big),
        "mean_size": sum(len(g.students) for g in groups) / max(1, len(groups)),
        "students_over_max": sum(len(g.students) - modules[g.module].max_size for g in too_big),
    }


def _fmt(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "pct":
        return f"{100 * value:.1f}%"
    return fmt.format(value)


def print_report(results: list[dict[str, Any]]) -> None:
    widths = [max(len(label), 14 if key == "method" else 9) for key, label, _f in COLUMNS]
    for result in results:
        print(
            f"\n== {result['size']}: {result['students']} students, {result['divisions']} divisions, "
            f"{result['slots']} slots; time limit {result['time_limit']:g} s; "
            f"appui status {result['status']}; proven bound {result['bound']} "
            f"(simple bound {result['simple_bound']})"
        )
        print("  ".join(label.rjust(w) for (_k, label, _f), w in zip(COLUMNS, widths, strict=True)))
        for row in result["rows"]:
            cells = [_fmt(row.get(key), fmt) for key, _label, fmt in COLUMNS]
            print("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
        for row in result["rows"]:
            terms = ", ".join(f"{k} {v}" for k, v in row["terms"].items())
            print(f"  {row['method']:>14} terms: {terms}")
        breaks = result["division_breaks"]
        rules = ", ".join(f"{rule} ×{n}" for rule, n in sorted(breaks["by_rule"].items()))
        print(
            f"  divisions (a) breaks: {rules}; {breaks['groups_over_max']}/{breaks['groups']} groups "
            f"above their module's maximum ({breaks['students_over_max']} students too many, mean "
            f"size {breaks['mean_size']:.1f})"
        )
        for rule, message in sorted(breaks["examples"].items()):
            print(f"    e.g. [{rule}] {message}")
    for result in results:
        if result["size"] != TARGET["size"]:
            continue
        appui = result["rows"][0]
        ok = (
            appui["violations"] == 0
            and appui["gap"] is not None
            and appui["gap"] <= TARGET["gap"]
            and appui["seconds"] <= TARGET["seconds"] + 0.5
        )
        print(
            f"\nTarget at {TARGET['size']} students (gap <= 1 % in <= 10 s, every hard rule met): "
            f"{'MET' if ok else 'NOT MET'} (gap {_fmt(appui['gap'], 'pct')}, "
            f"{appui['seconds']:.2f} s, {appui['violations']} broken rules)"
        )


#: The scale table: sizes and their time limits (the bars: 300 in 5 s, 1,500 in 10 s).
SCALE = {"300": 5.0, "600": 10.0, "1000": 10.0, "1500": 10.0}


def _five_locks(instance: Instance, seed: int) -> Instance:
    """The instance with 5 pupils locked by hand as a coordinator's moves do: each moved, in
    the first slot of the greedy plan, to another module that has a group with room."""
    from appui.core.grouping import Lock
    from appui.core.grouping.prepare import Prepared

    prep = Prepared(instance)
    plan = greedy_plan(instance, prepared=prep, seed=seed)
    t = prep.slot_ids[0]
    modules = {m.id: m for m in instance.modules}
    room = {g.module for g in plan if g.slot == t and len(g.students) < modules[g.module].max_size}
    locks: list[Any] = []
    for g in sorted((g for g in plan if g.slot == t), key=lambda g: g.id or ""):
        s = sorted(g.students)[seed % len(g.students)]
        target = next((m for m in prep.options[s, t] if m != g.module and m in room), None)
        if target is not None and len(locks) < 5 and len(g.students) > modules[g.module].min_size:
            locks.append(Lock(s, t, target))
    return instance.with_changes(locked=tuple(locks))


def run_scale(sizes: list[str], seed: int, workers: int, limit: float | None) -> list[dict]:
    """One row per size and lock setting: wall time against the limit, gap, coverage."""
    rows = []
    for size in sizes:
        base = preset(size, seed=seed)
        for locked in (False, True):
            instance = _five_locks(base, seed) if locked else base
            time_limit = limit if limit is not None else SCALE.get(size, 10.0)
            started = time.perf_counter()
            solution = solve(instance, time_limit=time_limit, seed=seed, workers=workers)
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "size": size,
                    "pupils": len(instance.students),
                    "locked": len(instance.locked),
                    "time_limit": time_limit,
                    "seconds": seconds,
                    "status": solution.status,
                    "objective": solution.objective,
                    "bound": solution.bound,
                    "gap": solution.gap,
                    "need_coverage": solution.metrics.get("need_coverage"),
                    "violations": len(violations(instance, list(solution.groups))),
                    # The machine's load when the row ends: figures are only comparable on a
                    # quiet machine (load below the number of cores).
                    "load": os.getloadavg()[0],
                }
            )
            print_scale(rows[-1:], header=len(rows) == 1)
    return rows


def print_scale(rows: list[dict], header: bool = True) -> None:
    if header:
        print(
            "pupils  locked  limit s  wall s  over s  status      objective      bound    gap  "
            "need cov.  broken  load"
        )
    for r in rows:
        print(
            f"{r['pupils']:>6}  {r['locked']:>6}  {r['time_limit']:>7.1f}  {r['seconds']:>6.2f}  "
            f"{r['seconds'] - r['time_limit']:>+6.2f}  {r['status']:<10}  "
            f"{r['objective'] or 0:>9}  {r['bound'] or 0:>9}  {_fmt(r['gap'], 'pct'):>6}  "
            f"{_fmt(r['need_coverage'], 'pct'):>9}  {r['violations']:>6}  {r['load']:>4.1f}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", nargs="+", choices=sorted(PRESETS), default=["cap", "300", "450"]
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--time-limit", type=float, default=None, help="override every size's limit"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--schemes",
        type=float,
        default=None,
        metavar="SHARE",
        help="measure the keep-schemes-apart rule with this share of ULIS pupils",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="the scale table: 300, 600, 1,000, 1,500 pupils, with and without 5 locks",
    )
    args = parser.parse_args(argv)
    if args.scale:
        sizes = [s for s in args.sizes if s in SCALE] if argv and "--sizes" in argv else list(SCALE)
        rows = run_scale(sizes, args.seed, args.workers, args.time_limit)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        return 0
    if args.schemes is not None:
        rows = [
            row
            for size in args.sizes
            for row in run_schemes(size, args.schemes, args.seed, args.workers, args.time_limit)
        ]
        print_schemes(rows, args.schemes, args.workers)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        return 0
    results = [run_size(size, args.seed, args.workers, args.time_limit) for size in args.sizes]
    print_report(results)
    if args.json:
        Path(args.json).write_text(
            json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
