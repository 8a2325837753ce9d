"""Partners from outside the school and resources mobilised in AP (seed 001: « Comment la
mobilisation de partenaires extérieurs à l'établissement est-elle anticipée et organisée ? »,
« Comment les ressources de la plateforme Avenir sont-elles … exploitées ? »; the Avenir Pro
interventions of France Travail and the missions locales)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from appui.core.indicators.records import GroupRecord
from appui.core.indicators.shares import Ref, Share, StudentId


class Mobilised(StrEnum):
    PARTNER = "partner"
    RESOURCE = "resource"


@dataclass(frozen=True)
class MobilisationRecord:
    """A partner or a resource (``what``, ``ref``, ``kind``) mobilised by one group: for the
    whole module (``session`` None: it is attached to the group's module) or in one session
    that was not cancelled."""

    what: Mobilised
    ref: Ref
    kind: str
    group: Ref
    session: Ref | None = None


@dataclass(frozen=True)
class KindUse:
    """Partners (or resources) of one kind: how many distinct ones, in how many groups and
    sessions, reaching how many distinct students."""

    kind: str
    items: int
    groups: int
    sessions: int
    students: int


@dataclass(frozen=True)
class PartnerSummary:
    groups_with_partner: Share
    groups_with_resource: Share
    partners: int
    resources: int
    interventions: int
    partner_kinds: list[KindUse]
    resource_kinds: list[KindUse]


def _by_kind(records: list[MobilisationRecord], students: dict[Ref, frozenset]) -> list[KindUse]:
    items: dict[str, set[Ref]] = defaultdict(set)
    groups: dict[str, set[Ref]] = defaultdict(set)
    sessions: dict[str, set[Ref]] = defaultdict(set)
    reached: dict[str, set[StudentId]] = defaultdict(set)
    for record in records:
        items[record.kind].add(record.ref)
        groups[record.kind].add(record.group)
        if record.session is not None:
            sessions[record.kind].add(record.session)
        reached[record.kind] |= students.get(record.group, frozenset())
    return sorted(
        (
            KindUse(k, len(items[k]), len(groups[k]), len(sessions[k]), len(reached[k]))
            for k in items
        ),
        key=lambda row: (-row.groups, -row.items, row.kind),
    )


def partner_mobilisation(
    groups: Iterable[GroupRecord], records: Iterable[MobilisationRecord]
) -> PartnerSummary:
    """Partners and resources mobilised by ``groups`` (records of other groups are ignored).

    A group mobilises a partner or resource when its module has it or one of its sessions
    (not cancelled) does. ``interventions`` = distinct sessions with at least one partner;
    per kind: distinct partners (resources), groups, sessions and students of those groups.
    """
    members = {g.id: g.students for g in groups}
    kept = [r for r in records if r.group in members]
    partners = [r for r in kept if r.what is Mobilised.PARTNER]
    resources = [r for r in kept if r.what is Mobilised.RESOURCE]
    return PartnerSummary(
        groups_with_partner=Share(len({r.group for r in partners}), len(members)),
        groups_with_resource=Share(len({r.group for r in resources}), len(members)),
        partners=len({r.ref for r in partners}),
        resources=len({r.ref for r in resources}),
        interventions=len({r.session for r in partners if r.session is not None}),
        partner_kinds=_by_kind(partners, members),
        resource_kinds=_by_kind(resources, members),
    )
