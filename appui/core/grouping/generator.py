"""Seeded, realistic, fictitious grouping instances (benchmark, tests, demo data).

A level of a vocational lycée: divisions of about 24–30 students whose need levels are
correlated (a student weak in French is often weak in methods; some divisions are weaker in
maths), a few newly arrived allophone students, wishes from about a third of the students,
rare unavailabilities, a few pairs to keep together or apart, staff with realistic
competency sets available in some slots, ordinary classrooms plus a few small rooms, and
last period's groups made by planning a previous period whose needs were a little different.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from .instance import Instance, Module, PreviousGroup, Room, Slot, Staff, Student

COMPETENCIES: dict[str, str] = {
    "FR": "le français",
    "MATH": "les mathématiques",
    "METH": "les méthodes de travail",
    "ORAL": "l'expression orale",
    "NUM": "le numérique",
    "POST": "la posture professionnelle",
    "CONF": "la confiance en soi",
    "ORIE": "le projet d'orientation",
}

#: How much harder each competency is on average (shifts the need levels).
_DIFFICULTY = {
    "FR": 0.12,
    "MATH": 0.18,
    "METH": 0.08,
    "ORAL": 0.0,
    "NUM": -0.15,
    "POST": -0.05,
    "CONF": -0.08,
    "ORIE": 0.02,
}

MODULES: tuple[Module, ...] = (
    Module(
        "FR-soutien", "FR", "soutien", 6, 12, "Français – soutien", levels=(2, 3), target_level=3
    ),
    Module(
        "FR-atelier",
        "FR",
        "approfondissement",
        8,
        15,
        "Atelier d'écriture",
        levels=(0, 1),
        target_level=0,
    ),
    Module(
        "MATH-soutien",
        "MATH",
        "soutien",
        6,
        12,
        "Mathématiques – soutien",
        levels=(2, 3),
        target_level=3,
    ),
    Module(
        "MATH-approfondissement",
        "MATH",
        "approfondissement",
        8,
        15,
        "Mathématiques – approfondissement",
        levels=(0, 1),
        target_level=0,
    ),
    Module("METH", "METH", "méthodologie", 8, 15, "Apprendre à apprendre"),
    Module("ORAL", "ORAL", "soutien", 6, 12, "Prendre la parole"),
    Module("NUM", "NUM", "méthodologie", 8, 14, "Outils numériques"),
    Module("POST", "POST", "projet", 8, 15, "Posture professionnelle"),
    Module("CONF", "CONF", "tutorat", 6, 10, "Confiance en soi"),
    Module("ORIE", "ORIE", "orientation", 10, 16, "Projet d'orientation"),
    Module("CULT", None, "culturel", 10, 16, "Sortie et projet culturels"),
)

#: Staff profiles: competencies they can teach, and their share of the staff.
_PROFILES: tuple[tuple[str, frozenset[str], float], ...] = (
    ("Lettres-histoire", frozenset({"FR", "ORAL", "METH"}), 0.24),
    ("Mathématiques-sciences", frozenset({"MATH", "NUM", "METH"}), 0.24),
    ("Enseignement professionnel", frozenset({"POST", "ORIE", "METH"}), 0.22),
    ("Langues vivantes", frozenset({"ORAL", "FR"}), 0.08),
    ("CPE", frozenset({"CONF", "ORIE"}), 0.08),
    ("Documentation", frozenset({"NUM", "METH"}), 0.07),
    ("EPS", frozenset({"CONF", "POST"}), 0.07),
)

_SURNAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
]
_SLOTS = (
    ("lun", "lundi"),
    ("mar", "mardi"),
    ("jeu", "jeudi"),
    ("ven", "vendredi"),
    ("mer", "mercredi"),
)


@dataclass(frozen=True)
class Preset:
    students: int
    slots: int
    groups_per_slot: int
    divisions: int
    prefix: str
    difficulty: float = 0.0


PRESETS: dict[str, Preset] = {
    "cap": Preset(120, 2, 10, 5, "1CAP", difficulty=0.08),
    "300": Preset(300, 3, 24, 10, "2PRO"),
    "450": Preset(450, 4, 36, 15, "1PRO"),
    # Larger levels (a big lycée's whole 2nde, or a level planned across sites): about 12.5
    # pupils per group, staff and rooms in proportion, 4 slots.
    "600": Preset(600, 4, 48, 20, "2PRO"),
    "1000": Preset(1000, 4, 80, 34, "2PRO"),
    "1500": Preset(1500, 4, 120, 50, "2PRO"),
}


def preset(name: str, seed: int = 0) -> Instance:
    """One of the benchmark sizes: ``cap`` (120 students, 2 slots), ``300`` (300 students,
    3 slots, 24 groups per slot), ``450`` (450 students, 4 slots), or ``600``, ``1000``,
    ``1500`` (that many students, 4 slots)."""
    p = PRESETS[name]
    return generate(
        p.students,
        p.slots,
        p.groups_per_slot,
        seed=seed,
        divisions=p.divisions,
        division_prefix=p.prefix,
        difficulty=p.difficulty,
        name=f"{name} (graine {seed})",
    )


def generate(
    n_students: int,
    n_slots: int,
    groups_per_slot: int,
    *,
    seed: int = 0,
    divisions: int | None = None,
    division_prefix: str = "2PRO",
    difficulty: float = 0.0,
    previous: bool = True,
    name: str | None = None,
) -> Instance:
    """A random instance; the same arguments always give the same instance."""
    rng = random.Random(seed)
    n_divisions = divisions or max(1, round(n_students / 28))
    slots_ids = _SLOTS[:n_slots]
    needs = _needs(rng, n_students, n_divisions, difficulty)
    students = []
    for i, (division, levels) in enumerate(needs):
        wishes: tuple[str, ...] = ()
        if rng.random() < 0.35:
            weights = [
                3.0
                if m.id in ("ORIE", "CULT", "NUM")
                else 1.0 + (levels.get(m.competency or "", 0) if m.competency else 0)
                for m in MODULES
                if m.accepts_level(levels.get(m.competency or "", 0))
            ]
            allowed = [m.id for m in MODULES if m.accepts_level(levels.get(m.competency or "", 0))]
            count = rng.choice((1, 2, 2, 3))
            chosen: list[str] = []
            while len(chosen) < min(count, len(allowed)):
                pick = rng.choices(allowed, weights)[0]
                if pick not in chosen:
                    chosen.append(pick)
            wishes = tuple(chosen)
        unavailable = (
            frozenset({rng.choice(slots_ids)[0]})
            if rng.random() < 0.02 and n_slots > 1
            else frozenset()
        )
        students.append(
            Student(
                id=f"E{i + 1:03d}",
                division=f"{division_prefix}{division + 1}",
                needs=levels,
                wishes=wishes,
                unavailable_slots=unavailable,
            )
        )
    by_division: dict[str, list[str]] = {}
    for s in students:
        by_division.setdefault(s.division, []).append(s.id)
    pairs = _pairs(rng, by_division, max(1, n_students // 50) + max(1, n_students // 40))
    together = tuple(pairs[: max(1, n_students // 50)])
    apart = tuple(pairs[max(1, n_students // 50) :])
    slots = _slots(rng, slots_ids, groups_per_slot, n_students)
    instance = Instance(
        name=name,
        competencies=tuple(COMPETENCIES),
        competency_labels=dict(COMPETENCIES),
        students=tuple(students),
        slots=slots,
        modules=MODULES,
        together=together,
        apart=apart,
    )
    if previous:
        instance = instance.with_changes(previous_groups=_previous_groups(rng, instance, seed))
    return instance


def with_schemes(
    instance: Instance, share: float, scheme: str = "ulis", *, seed: int = 0, separate: bool = True
) -> Instance:
    """A copy where ``share`` of the students (drawn with ``seed``, across divisions, as
    included pupils are) carry ``scheme``, with the keep-apart switch set to ``separate``.
    "Together" lists that would join two schemes are dropped, as a coordinator would."""
    rng = random.Random(seed)
    count = round(share * len(instance.students))
    chosen = set(rng.sample([s.id for s in instance.students], count))
    students = tuple(replace(s, scheme=scheme) if s.id in chosen else s for s in instance.students)
    together = tuple(group for group in instance.together if len({s in chosen for s in group}) == 1)
    return instance.with_changes(students=students, together=together, separate_schemes=separate)


def _needs(
    rng: random.Random, n: int, divisions: int, difficulty: float
) -> list[tuple[int, dict[str, int]]]:
    division_effect = [{c: rng.gauss(0, 0.08) for c in COMPETENCIES} for _ in range(divisions)]
    out = []
    for i in range(n):
        division = i * divisions // n
        ability = rng.betavariate(2, 2)
        general = rng.gauss(0, 0.1)
        levels: dict[str, int] = {}
        for c in COMPETENCIES:
            score = (
                0.55 * ability
                + general
                + _DIFFICULTY[c]
                + difficulty
                + division_effect[division][c]
            )
            score += rng.gauss(0, 0.2)
            levels[c] = 0 if score < 0.45 else 1 if score < 0.65 else 2 if score < 0.82 else 3
        if rng.random() < 0.03:
            # Newly arrived allophone student: French and speaking first.
            levels["FR"], levels["ORAL"] = 3, 3
        out.append((division, levels))
    return out


def _pairs(
    rng: random.Random, by_division: dict[str, list[str]], count: int
) -> list[tuple[str, str]]:
    used: set[str] = set()
    pairs: list[tuple[str, str]] = []
    divisions = sorted(by_division)
    while len(pairs) < count:
        members = [s for s in by_division[rng.choice(divisions)] if s not in used]
        if len(members) < 2:
            continue
        a, b = rng.sample(members, 2)
        used.update((a, b))
        pairs.append((a, b))
    return pairs


def _slots(
    rng: random.Random, slot_ids: tuple[tuple[str, str], ...], groups: int, n_students: int
) -> tuple[Slot, ...]:
    pool_size = round(groups * 1.4)
    staff: list[tuple[Staff, str]] = []
    counter = 0
    for profile, competencies, share in _PROFILES:
        for _ in range(max(1, round(share * pool_size))):
            counter += 1
            surname = _SURNAMES[(counter * 7) % len(_SURNAMES)]
            title = "M." if counter % 2 else "Mme"
            staff.append((Staff(f"P{counter:02d}", competencies, f"{title} {surname}"), profile))
    out = []
    for slot_id, label in slot_ids:
        # Each slot gets the same mix of profiles, drawn from different people.
        chosen: list[Staff] = []
        for profile, _competencies, share in _PROFILES:
            people = [p for p, prof in staff if prof == profile]
            wanted = min(len(people), max(1, round(share * groups)))
            chosen.extend(rng.sample(people, wanted))
        while len(chosen) < groups:
            extra = rng.choice([p for p, _prof in staff if p not in chosen])
            chosen.append(extra)
        rooms = [Room(f"S{100 + i + 1}", 30, f"Salle {100 + i + 1}") for i in range(groups - 2)]
        rooms += [
            Room("INFO", 14, "Salle informatique"),
            Room("CDI", 12, "CDI"),
            Room("ATEL", 16, "Atelier"),
            Room("LABO", 12, "Laboratoire"),
        ]
        out.append(
            Slot(slot_id, tuple(sorted(chosen[:groups], key=lambda p: p.id)), tuple(rooms), label)
        )
    return tuple(out)


def _previous_groups(
    rng: random.Random, instance: Instance, seed: int
) -> tuple[PreviousGroup, ...]:
    """Groups of a previous period planned by hand from slightly different needs: in its
    k-th slot each student followed a module of their k-th strongest need of the time, and
    each module's students were cut into groups by level. (Independent of the heuristics,
    so that the generated instances do not change when the heuristics do.)"""
    del seed  # the instance's random stream already depends on it
    modules = {m.id: m for m in MODULES}
    out: list[PreviousGroup] = []
    for k, slot in enumerate(instance.slots):
        pools: dict[str, list[tuple[int, str]]] = {}
        for s in instance.students:
            levels = {
                c: max(0, min(3, v + rng.choice((-1, 0, 0, 0, 1)))) for c, v in s.needs.items()
            }
            ranked = sorted(levels, key=lambda c: (-levels[c], c))
            competency = ranked[k % len(ranked)]
            chosen = next(
                (
                    m
                    for m in MODULES
                    if m.competency == competency and m.accepts_level(levels[competency])
                ),
                modules["METH"],
            )
            pools.setdefault(chosen.id, []).append((levels.get(chosen.competency or "", 0), s.id))
        for module_id, members in pools.items():
            members.sort()
            size = modules[module_id].max_size
            count = -(-len(members) // size)
            for i in range(count):
                chunk = members[i * len(members) // count : (i + 1) * len(members) // count]
                out.append(PreviousGroup(tuple(sid for _level, sid in chunk), module_id, slot.id))
    return tuple(out)
