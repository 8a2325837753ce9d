"""What the rules need to know about the framework: disciplinary and orientation codes, and the
competency each project points to (rule R5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from appui.core.frameworks import DEFAULT_FRAMEWORK, Framework

from .vocabulary import NeedLevel, Project, _clamp


@dataclass(frozen=True)
class ProjectTarget:
    """The orientation competency a project points to, and the level it sets (rule R5)."""

    project: Project
    competency: str
    level: NeedLevel


@dataclass(frozen=True)
class NeedRules:
    """What the rules need to know about the framework.

    Build it with :meth:`from_framework`, or by hand from the database's competencies.
    """

    disciplinary: frozenset[str] = frozenset()
    orientation: frozenset[str] = frozenset()
    project_targets: tuple[ProjectTarget, ...] = ()

    def target(self, project: Project | None) -> ProjectTarget | None:
        """The target of ``project``, if any."""
        for target in self.project_targets:
            if target.project is project:
                return target
        return None

    def is_orientation(self, code: str) -> bool:
        """Whether ``code`` is treated as an orientation competency."""
        return code in self.orientation or any(t.competency == code for t in self.project_targets)

    @classmethod
    def from_framework(
        cls,
        framework: Framework,
        targets: Mapping[Project, tuple[str, int]] | None = None,
    ) -> NeedRules:
        """Rules for ``framework``; ``targets`` maps a project to (competency, level).

        Default targets (rule R5): undecided → ``OR.PRJ`` 2, further studies → ``OR.ETU`` 2,
        bridge → ``OR.PAS`` 2, insertion → ``OR.INS`` 1. Targets whose competency is not in
        the framework are dropped.
        """
        chosen = DEFAULT_TARGETS if targets is None else targets
        return cls(
            disciplinary=framework.disciplinary_codes(),
            orientation=framework.orientation_codes(),
            project_targets=tuple(
                ProjectTarget(project, code, _clamp(level))
                for project, (code, level) in sorted(chosen.items())
                if code in framework
            ),
        )


DEFAULT_TARGETS: Mapping[Project, tuple[str, int]] = {
    Project.UNDECIDED: ("OR.PRJ", 2),
    Project.FURTHER_STUDIES: ("OR.ETU", 2),
    Project.BRIDGE: ("OR.PAS", 2),
    Project.INSERTION: ("OR.INS", 1),
}

DEFAULT_RULES = NeedRules.from_framework(DEFAULT_FRAMEWORK)
"""Rules for the default framework ``appui-2026.1``."""
