"""The partners and resources section of the dashboard (seed 001: partners from outside the
school, the Avenir(s) platform, Avenir Pro with France Travail and the missions locales).
Registered with :func:`.sections.draws` on import."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appui.core import indicators as ind
from appui.core.io.tabular import Column
from appui.planning.models import Partner, Resource

from .display import Bar, Section, _float, percent
from .results import Results
from .sections import draws


@draws("partners")
def partners_section(r: Results) -> Section:
    summary = ind.partner_mobilisation(r.groups_in_scope(), r.partners)
    labels = {
        ind.Mobilised.PARTNER: dict(Partner.Kind.choices),
        ind.Mobilised.RESOURCE: dict(Resource.Kind.choices),
    }
    rows = [
        (what, use)
        for what, uses in (
            (ind.Mobilised.PARTNER, summary.partner_kinds),
            (ind.Mobilised.RESOURCE, summary.resource_kinds),
        )
        for use in uses
    ]
    most = max((use.groups for _what, use in rows), default=0)
    share = summary.groups_with_partner
    return Section.of(
        "partners",
        ngettext("%(n)s partner", "%(n)s partners", summary.partners) % {"n": summary.partners}
        + " · "
        + ngettext("%(n)s resource", "%(n)s resources", summary.resources)
        % {"n": summary.resources},
        detail=_("%(groups)s of groups with a partner (%(part)s of %(whole)s); %(interventions)s")
        % {
            "groups": percent(share),
            "part": share.part,
            "whole": share.whole,
            "interventions": ngettext(
                "%(n)s session with a partner",
                "%(n)s sessions with a partner",
                summary.interventions,
            )
            % {"n": summary.interventions},
        },
        bars=[
            Bar(
                label=str(labels[what].get(use.kind, use.kind)),
                value=Decimal(use.groups) / most if most else None,
                text=_(
                    "%(items)s · %(groups)s groups · %(sessions)s sessions · %(students)s students"
                )
                % {
                    "items": use.items,
                    "groups": use.groups,
                    "sessions": use.sessions,
                    "students": use.students,
                },
            )
            for what, use in rows
        ],
        columns=[
            Column("what", _("Partner or resource")),
            Column("kind", _("Kind")),
            Column("items", _("Distinct")),
            Column("groups", _("Groups")),
            Column("sessions", _("Sessions")),
            Column("students", _("Students")),
            Column("share", _("Groups with a partner (%)")),
        ],
        rows=[
            {
                "what": _("Partners") if what is ind.Mobilised.PARTNER else _("Resources"),
                "kind": str(labels[what].get(use.kind, use.kind)),
                "items": use.items,
                "groups": use.groups,
                "sessions": use.sessions,
                "students": use.students,
                "share": None,
            }
            for what, use in rows
        ]
        + [
            {
                "what": _("All partners"),
                "kind": "",
                "items": summary.partners,
                "groups": share.part,
                "sessions": summary.interventions,
                "students": None,
                "share": _float(share.rate),
            }
        ],
        notes=[
            _(
                "A group mobilises the partners and resources of its module and of its sessions "
                "that were not cancelled; sessions count those where a partner is recorded."
            )
        ],
        empty="" if rows else _("No partner or resource attached to the modules or sessions run."),
    )
