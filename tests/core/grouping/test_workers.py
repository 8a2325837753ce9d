"""The solver's worker count follows the CPUs the process may really use."""

import os

import pytest

from appui.core.grouping.solver import default_workers


@pytest.fixture(autouse=True)
def no_override(monkeypatch):
    monkeypatch.delenv("APPUI_SOLVER_WORKERS", raising=False)


def test_it_never_exceeds_the_cpus_of_the_process_affinity(tmp_path):
    affinity = len(os.sched_getaffinity(0))
    assert 1 <= default_workers(str(tmp_path / "absent")) <= min(8, affinity)


def test_a_cgroup_quota_lowers_it(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("100000 100000\n")
    assert default_workers(str(cpu_max)) == 1


def test_an_unlimited_cgroup_leaves_the_affinity(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("max 100000\n")
    assert default_workers(str(cpu_max)) == default_workers(str(tmp_path / "absent"))


def test_the_environment_overrides_it(monkeypatch, tmp_path):
    monkeypatch.setenv("APPUI_SOLVER_WORKERS", "3")
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("100000 100000\n")
    assert default_workers(str(cpu_max)) == 3


def test_a_malformed_quota_file_is_ignored(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("nonsense")
    assert default_workers(str(cpu_max)) == default_workers(str(tmp_path / "absent"))
