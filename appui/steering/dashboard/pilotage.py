"""The pilotage sections of the dashboard: the staff training plan and the instances'
meetings (seed 001). Registered with :func:`.sections.draws` on import."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appui.core import indicators as ind
from appui.core.io.tabular import Column

from ..models import Meeting
from .display import Bar, Section, _float, percent
from .headlines import headline_share
from .results import Results
from .sections import draws


@draws("training")
def training_section(r: Results) -> Section:
    share = headline_share(r, "training")
    counts = ind.training_counts(r.trainings)
    total = counts.planned + counts.done + counts.cancelled
    numbers = [
        (_("Actions done"), counts.done),
        (_("Actions planned"), counts.planned),
        (_("Actions cancelled"), counts.cancelled),
    ]
    return Section.of(
        "training",
        percent(share),
        detail=_("%(part)s of %(whole)s AP teachers trained; %(done)s, %(planned)s")
        % {
            "part": share.part,
            "whole": share.whole,
            "done": ngettext("%(counter)s action done", "%(counter)s actions done", counts.done)
            % {"counter": counts.done},
            "planned": ngettext(
                "%(counter)s action planned", "%(counter)s actions planned", counts.planned
            )
            % {"counter": counts.planned},
        },
        bars=[
            Bar(_("AP teachers trained"), share.rate, percent(share)),
            *(Bar(label, Decimal(n) / total, str(n)) for label, n in numbers if total),
        ],
        columns=[
            Column("what", _("Indicator")),
            Column("count", _("Count")),
            Column("share", _("Share (%)")),
        ],
        rows=[
            {"what": _("AP teachers"), "count": share.whole, "share": None},
            {"what": _("AP teachers trained"), "count": share.part, "share": _float(share.rate)},
            *({"what": label, "count": n, "share": None} for label, n in numbers),
        ],
        notes=[
            _(
                "AP teachers: teachers running at least one published group this year. Trained: "
                "took part in at least one training action recorded as done."
            )
        ],
        empty="" if total else _("No training action in the plan yet."),
    )


@draws("instances")
def instances_section(r: Results) -> Section:
    labels = dict(Meeting.Kind.choices)
    held = r.meetings
    upcoming: dict[str, int] = {}
    for meeting in r.meeting_records:
        if meeting.date > r.scope.today:
            upcoming[meeting.kind] = upcoming.get(meeting.kind, 0) + 1
    kinds = [k for k in Meeting.Kind.values if held.get(k) or upcoming.get(k)]
    most = max(held.values(), default=0)
    total = sum(held.values())
    return Section.of(
        "instances",
        str(total),
        detail=ngettext(
            "meeting held this year, %(n)s instance involved",
            "meetings held this year, %(n)s instances involved",
            total,
        )
        % {"n": sum(1 for k in kinds if held.get(k))},
        bars=[
            Bar(
                str(labels[k]).capitalize(),
                Decimal(held.get(k, 0)) / most if most else None,
                str(held.get(k, 0)),
            )
            for k in kinds
        ],
        columns=[
            Column("instance", _("Instance")),
            Column("held", _("Meetings held")),
            Column("upcoming", _("Meetings to come")),
        ],
        rows=[
            {
                "instance": str(labels[k]).capitalize(),
                "held": held.get(k, 0),
                "upcoming": upcoming.get(k, 0),
            }
            for k in kinds
        ],
        empty="" if kinds else _("No meeting recorded this year."),
    )
