"""The académie dashboard: several schools compared, no person named, small cells suppressed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.indicators import INDICATORS, Share
from appui.core.io.tabular import Column

from .display import Bar, Section, _float, count_text, percent
from .headlines import headline_shares
from .results import Results

ACADEMY_KEYS = [
    "hours",
    "attendance",
    "need_coverage",
    "progress",
    "churn",
    "staff",
    "never_offered",
    "tutoring",
    "satisfaction",
    "repeat",
    "success",
    "further_studies",
]


def academy_sections(results: list[tuple[Any, Results]]) -> list[Section]:
    """One section per indicator, one row per school; shares on fewer than 5 people and
    counts from 1 to 4 are suppressed, and no person is ever named."""
    values = [(school, headline_shares(r)) for school, r in results]
    sections = []
    for key in ACADEMY_KEYS:
        spec = INDICATORS[key]
        rows, bars = [], []
        total = Share(0, 0)
        for school, shares in values:
            share = shares[key]
            if isinstance(share, Share):
                total += share
                secret = share.suppressed()
                # Hours are shares of student-minutes: their raw counts mean nothing to read.
                counted = key != "hours"
                rows.append(
                    {
                        "school": school.name,
                        "uai": school.uai,
                        "part": count_text(share.part, secret=True)
                        if counted and not secret
                        else None,
                        "whole": count_text(share.whole, secret=True) if counted else None,
                        "share": None if secret else _float(share.rate),
                    }
                )
                bars.append(
                    Bar(
                        school.name,
                        None if secret else share.rate,
                        percent(share, secret=True),
                    )
                )
            else:
                rows.append(
                    {
                        "school": school.name,
                        "uai": school.uai,
                        "part": None,
                        "whole": None,
                        "share": _float(share),
                    }
                )
                bars.append(Bar(school.name, share, percent(share)))
        sections.append(
            Section(
                key=key,
                title=spec.label,
                seeds=spec.seeds,
                formula=spec.formula,
                headline=percent(total, secret=True),
                detail=_("all the schools you follow"),
                bars=bars,
                columns=[
                    Column("school", _("School")),
                    Column("uai", _("UAI")),
                    Column("part", _("Count")),
                    Column("whole", _("Out of")),
                    Column("share", _("Share (%)")),
                ],
                rows=rows,
                notes=[_("Counts from 1 to 4 and shares computed on fewer than 5 are hidden.")],
            )
        )
    milestones = []
    for school, r in results:
        late, _on_time = ind.late_milestones(
            [ind.MilestoneRecord(m.pk, m.due_date, m.done_on) for m in r.milestones],
            r.scope.today,
        )
        milestones.append({"school": school.name, "uai": school.uai, "late": len(late)})
    most = max((row["late"] for row in milestones), default=0)
    sections.append(
        Section(
            key="milestones",
            title=INDICATORS["milestones"].label,
            seeds=INDICATORS["milestones"].seeds,
            formula=INDICATORS["milestones"].formula,
            headline=str(sum(row["late"] for row in milestones)),
            detail=_("late milestones"),
            bars=[
                Bar(row["school"], Decimal(row["late"]) / most if most else None, str(row["late"]))
                for row in milestones
            ],
            columns=[
                Column("school", _("School")),
                Column("uai", _("UAI")),
                Column("late", _("Late milestones")),
            ],
            rows=milestones,
        )
    )
    return sections
