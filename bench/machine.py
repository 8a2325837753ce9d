"""How fast this machine's core runs pure Python right now: a reference for reading benches.

A virtual machine does not always run at the same speed (another guest on the host): the same
page measured twice may differ by half. ``reference_ms()`` times one fixed piece of pure
Python work — building, sorting and formatting dictionaries and strings, the kind of work
templates and the ORM do — and keeps the best of a few tries. The benches print it beside
their figures, so that two runs can be compared: a run whose reference is 30 % higher ran on a
machine 30 % slower, whatever the code did.
"""

from __future__ import annotations

import time


def _work() -> int:
    rows = [
        {"id": i, "name": f"Élève {i:05d}", "level": i % 4, "code": f"C{i % 37}"}
        for i in range(20_000)
    ]
    rows.sort(key=lambda row: (row["code"], -row["level"], row["name"]))
    text = "".join(f"<li>{row['name']} — {row['code']}:{row['level']}</li>" for row in rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["code"]] = counts.get(row["code"], 0) + row["level"]
    return len(text) + sum(counts.values())


def reference_ms(tries: int = 5) -> float:
    """The best time of ``tries`` runs of the fixed work, in milliseconds."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        _work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def reference_line() -> str:
    """The line the benches print (French, like their other output)."""
    return f"référence machine : {reference_ms():.0f} ms de Python pur (plus bas = machine plus rapide)"
