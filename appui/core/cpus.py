"""How many CPUs this process may really use (one rule for the solver and the web server).

Its CPU affinity (a process pinned to 2 cores of a 32-core machine gets 2), lowered by a
cgroup v2 quota (``cpu.max`` "200000 100000" is 2 CPUs; "max 100000" is no quota). Kept free
of heavy imports: gunicorn's master reads it before forking its workers.
"""

from __future__ import annotations

import os

CGROUP_CPU_MAX = "/sys/fs/cgroup/cpu.max"


def usable_cpus(cgroup_cpu_max: str = CGROUP_CPU_MAX) -> int:
    """At least 1."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    quota = cgroup_cpus(cgroup_cpu_max)
    if quota is not None:
        cpus = min(cpus, quota)
    return max(1, cpus)


def cgroup_cpus(path: str = CGROUP_CPU_MAX) -> int | None:
    """Whole CPUs allowed by a cgroup v2 ``cpu.max`` file (None: no quota, or no file)."""
    try:
        with open(path, encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max" or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return None
    return max(1, int(quota) // int(period))
