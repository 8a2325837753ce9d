"""Why an instance has no plan, in French, for the coordinator.

``precheck`` finds the common causes quickly and with figures ("Barrette mardi : 118 élèves
mais capacité des salles 96"). When it finds nothing but the solver proves the instance
infeasible, ``diagnose`` guards each relaxable rule of each slot with an assumption literal
and asks CP-SAT for a set of rules that cannot all hold together.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from .instance import Group, parcours_label, scheme_label
from .prepare import Prepared, key_parts
from .validation import mixed_parcours, mixed_schemes


def precheck(prep: Prepared) -> list[str]:
    """Necessary conditions for a plan to exist; one French message per broken one."""
    inst = prep.instance
    out: list[str] = []
    name = prep.slot_names
    students = prep.students

    for s, t, first, second in prep.lock_conflicts:
        out.append(
            f"Verrous contradictoires : l'élève {s} est verrouillé en {first} et en {second} le {name[t]}."
        )
    for lock in inst.locked:
        t, s, m = lock.slot, lock.student, lock.module
        module = prep.modules[m]
        if t in students[s].unavailable_slots:
            out.append(
                f"Verrou impossible : l'élève {s} est indisponible sur la barrette {name[t]}."
            )
        elif (s, t) in prep.fixed:
            if prep.fixed[s, t].module != m:
                out.append(
                    f"Verrou impossible : l'élève {s} est dans un groupe verrouillé de "
                    f"{prep.fixed[s, t].module} le {name[t]}, pas de {m}."
                )
        elif m not in prep.open_modules[t]:
            out.append(
                f"Verrou impossible : le module {m} ne peut pas ouvrir de groupe le {name[t]} "
                "(barrette, intervenant compétent ou salle manquants)."
            )
        elif not module.accepts_level(prep.level(s, m)):
            out.append(
                f"Verrou impossible : l'élève {s} (besoin de niveau {prep.level(s, m)}) hors des "
                f"niveaux visés par {m} ({module.levels[0]} à {module.levels[1]})."
            )
    out.extend(_check_locked_groups(prep))

    apart = prep.apart_pairs()
    for t in prep.slot_ids:
        for block in prep.blocks[t]:
            members = set(block.members)
            for a, b in apart:
                if a in members and b in members:
                    out.append(
                        f"Les élèves {a} et {b} doivent être à la fois ensemble (par "
                        f"{', '.join(block.members)}) et séparés."
                    )
            if not block.options and len(block.members) > 1:
                out.append(
                    f"Barrette {name[t]} : aucun module ne peut accueillir ensemble "
                    f"{', '.join(block.members)} (niveaux visés ou modules incompatibles)."
                )
            elif block.options and len(block.members) > max(
                prep.classes[t, m][0] for m in block.options
            ):
                out.append(
                    f"Barrette {name[t]} : le groupe « ensemble » {', '.join(block.members)} "
                    "dépasse la taille maximale de tous les modules possibles."
                )
        stranded = [
            s for s in prep.free[t] if not prep.options[s, t] and (s, t) not in prep.block_of
        ]
        if stranded and prep.open_modules[t]:
            shown = ", ".join(stranded[:10]) + (
                f" et {len(stranded) - 10} autres" if len(stranded) > 10 else ""
            )
            who = f"l'élève {shown}" if len(stranded) == 1 else f"les élèves {shown}"
            out.append(
                f"Barrette {name[t]} : aucun module ouvert ne vise le niveau de besoin de {who}."
            )
    out.extend(_schemes(prep))
    # The slots' own shortages (no staff, rooms too small…) come first: they are the cause
    # of most other messages (a "together" list no module can take, a stranded student).
    capacity = [message for t in prep.slot_ids for message in _slot_capacity(prep, t)]
    return list(dict.fromkeys(capacity + out))


def _schemes(prep: Prepared) -> list[str]:
    """Schemes (and terminale parcours) kept apart: "together" lists and locked groups within
    one kind, and in each slot enough students of each kind to fill a group of their own."""
    if not prep.mixed_schemes:
        return []
    out: list[str] = []
    name = prep.slot_names
    for pair in prep.instance.together:
        schemes = {prep.scheme_of(s) for s in pair}
        if len(schemes) > 1:
            kinds = ", ".join(_key_label(k) for k in sorted(schemes))
            out.append(
                f"Les élèves {', '.join(pair)} doivent être ensemble mais relèvent de "
                f"{_kinds(prep)} différents ({kinds})."
            )
    instance = prep.instance
    checks = [
        mixed
        for mixed, on in (
            (mixed_schemes, instance.separate_schemes),
            (mixed_parcours, instance.separate_parcours),
        )
        if on
    ]
    for g in instance.locked_groups:
        for mixed in checks:
            message = mixed(instance, g, name=f"Groupe verrouillé {g.module} ({name[g.slot]})")
            if message:
                out.append(message)
    for t in prep.slot_ids:
        by_scheme: dict[str, list[str]] = defaultdict(list)
        for s in prep.free[t]:
            by_scheme[prep.scheme_of(s)].append(s)
        if len(by_scheme) < 2:
            continue
        for k, members in sorted(by_scheme.items()):
            options = {m for s in members for m in prep.options[s, t]}
            if not options:
                continue  # reported above: no open module fits their need levels
            smallest = min(prep.modules[m].min_size for m in options)
            if len(members) < smallest:
                who = "élève" if len(members) == 1 else "élèves"
                out.append(
                    f"Barrette {name[t]} : {len(members)} {who} {_scheme_name(k)} "
                    f"({', '.join(members)}), moins que la plus petite taille minimale de "
                    f"leurs modules ({smallest}) : ils ne peuvent pas former un groupe à "
                    f"part et les {_kinds(prep)} ne se mélangent pas."
                )
    return out


def _scheme_name(key: str) -> str:
    scheme, parcours = key_parts(key)
    if parcours is None:
        return f"du dispositif {scheme_label(scheme)}" if scheme else "sans dispositif"
    named = f"du parcours {parcours_label(parcours)}" if parcours else "sans parcours choisi"
    return f"{named} (dispositif {scheme_label(scheme)})" if scheme else named


def _key_label(key: str) -> str:
    scheme, parcours = key_parts(key)
    if parcours is None:
        return scheme_label(scheme)
    named = f"parcours {parcours_label(parcours)}"
    return f"{named}, dispositif {scheme_label(scheme)}" if scheme else named


def _kinds(prep: Prepared) -> str:
    """What is kept apart, for messages."""
    if prep.instance.separate_parcours and prep.instance.separate_schemes:
        return "dispositifs et parcours"
    return "parcours" if prep.instance.separate_parcours else "dispositifs"


def _slot_capacity(prep: Prepared, t: str) -> list[str]:
    n = len(prep.free[t])
    label = prep.slot_names[t]
    if n == 0:
        return []
    modules = [prep.modules[m] for m in prep.open_modules[t]]
    if not modules:
        if not prep.free_staff[t]:
            return [f"Barrette {label} : {n} élèves mais aucun intervenant disponible."]
        if not prep.free_rooms[t]:
            return [f"Barrette {label} : {n} élèves mais aucune salle disponible."]
        biggest = max(r.capacity for r in prep.free_rooms[t])
        smallest = min(m.min_size for m in prep.instance.modules)
        if biggest < smallest:
            return [
                f"Barrette {label} : salles trop petites (la plus grande a {biggest} places, "
                f"moins que la plus petite taille minimale des modules, {smallest})."
            ]
        return [
            f"Barrette {label} : {n} élèves mais aucun module ne peut ouvrir "
            "(intervenants compétents ou salles manquants)."
        ]
    smallest = min(m.min_size for m in modules)
    if n < smallest:
        return [
            f"Barrette {label} : {n} élèves, moins que la plus petite taille minimale des "
            f"modules ({smallest})."
        ]
    largest = max(m.max_size for m in modules)
    seats = sorted((min(r.capacity, largest) for r in prep.free_rooms[t]), reverse=True)
    if n > sum(seats):
        return [f"Barrette {label} : {n} élèves mais capacité des salles {sum(seats)}."]
    staff = [p for p in prep.free_staff[t] if any(prep.can_teach(p, m) for m in modules)]
    with_staff = sum(seats[: len(staff)])
    if n > with_staff:
        return [
            f"Barrette {label} : {n} élèves mais {len(staff)} intervenants disponibles, "
            f"soit {with_staff} places au plus."
        ]
    return []


def _check_locked_groups(prep: Prepared) -> list[str]:
    out: list[str] = []
    inst = prep.instance
    name = prep.slot_names
    staff_use: Counter[tuple[str, str]] = Counter()
    room_use: Counter[tuple[str, str]] = Counter()
    student_use: Counter[tuple[str, str]] = Counter()
    for g in inst.locked_groups:
        module = prep.modules[g.module]
        where = f"Groupe verrouillé {g.module} ({name[g.slot]})"
        size = len(g.students)
        if not module.min_size <= size <= module.max_size:
            out.append(
                f"{where} : {size} élèves, hors des tailles {module.min_size} à {module.max_size}."
            )
        slot = inst.slot(g.slot)
        room = next((r for r in slot.rooms if r.id == g.room), None)
        if room is not None and room.capacity < size:
            out.append(
                f"{where} : {size} élèves pour la salle {room.id} de {room.capacity} places."
            )
        if not g.staff:
            out.append(f"{where} : aucun intervenant.")
        for p in g.staff:
            person = next((q for q in slot.staff if q.id == p), None)
            if person is not None and not prep.can_teach(person, module):
                out.append(f"{where} : {p} n'enseigne pas ce module.")
            staff_use[g.slot, p] += 1
        room_use[g.slot, g.room] += 1
        if not module.runs_in(g.slot):
            out.append(f"{where} : ce module n'est pas proposé sur cette barrette.")
        for s in g.students:
            student_use[g.slot, s] += 1
            if g.slot in prep.students[s].unavailable_slots:
                out.append(f"{where} : l'élève {s} est indisponible.")
            elif not module.accepts_level(prep.level(s, g.module)):
                out.append(f"{where} : l'élève {s} est hors des niveaux visés.")
    out.extend(
        f"Barrette {name[t]} : {p} est dans {n} groupes verrouillés."
        for (t, p), n in staff_use.items()
        if n > 1
    )
    out.extend(
        f"Barrette {name[t]} : la salle {r} est dans {n} groupes verrouillés."
        for (t, r), n in room_use.items()
        if n > 1
    )
    out.extend(
        f"Barrette {name[t]} : l'élève {s} est dans {n} groupes verrouillés."
        for (t, s), n in student_use.items()
        if n > 1
    )
    limits: dict[tuple[str, str], int] = defaultdict(int)
    for g in inst.locked_groups:
        limits[g.slot, g.module] += 1
    for (t, m), n in limits.items():
        limit = prep.modules[m].max_groups
        if limit is not None and n > limit:
            out.append(f"Barrette {name[t]} : {n} groupes verrouillés de {m}, au plus {limit}.")
    for pair in inst.together:
        for t in prep.slot_ids:
            present = [s for s in pair if t not in prep.students[s].unavailable_slots]
            homes: set[Group | None] = {prep.fixed.get((s, t)) for s in present}
            if len(present) >= 2 and len(homes) > 1 and any(h is not None for h in homes):
                out.append(
                    f"Barrette {name[t]} : {', '.join(present)} doivent être ensemble mais un "
                    "groupe verrouillé les sépare."
                )
    for a, b in prep.apart_pairs():
        for t in prep.slot_ids:
            home = prep.fixed.get((a, t))
            if home is not None and home is prep.fixed.get((b, t)):
                out.append(
                    f"Barrette {name[t]} : {a} et {b} doivent être séparés mais sont dans le même "
                    "groupe verrouillé."
                )
    return out


#: Message for each relaxable rule when CP-SAT names it in an infeasible core.
_RULE_MESSAGES = {
    "placement": "placer chaque élève disponible dans un groupe",
    "sizes": "les tailles minimales et maximales des modules",
    "rooms": "le nombre et la capacité des salles",
    "staff": "un intervenant compétent par groupe, un groupe à la fois",
    "staff_limits": "le nombre maximal de groupes par intervenant sur la période",
    "module_limits": "le nombre maximal de groupes par module",
    "apart": "les élèves à séparer",
    "schemes": "la séparation des dispositifs (SEGPA, ULIS, UPE2A) ou des parcours de terminale",
    "locks": "les verrous de la coordination",
}


def diagnose(prep: Prepared, *, time_limit: float = 5.0, workers: int = 1) -> list[str]:
    """Name rules that cannot all hold together, per slot, from an infeasible core."""
    from .model import GroupingModel

    gm = GroupingModel(prep, diagnose=True)
    guards = gm.ctx.guards
    gm.model.add_assumptions(list(guards.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = max(1, workers)
    status = solver.solve(gm.model)
    if status != cp_model.INFEASIBLE:
        return [
            "Aucun plan ne respecte toutes les règles, sans qu'une cause simple ait pu être isolée."
        ]
    core = set(solver.sufficient_assumptions_for_infeasibility())
    by_slot: dict[str | None, list[str]] = defaultdict(list)
    for (family, slot), lit in guards.items():
        if lit.index in core:
            by_slot[slot].append(_RULE_MESSAGES.get(family, family))
    if not by_slot:
        return ["Aucun plan ne respecte toutes les règles (structure des groupes impossible)."]
    out = []
    for slot, rules in by_slot.items():
        where = f"Barrette {prep.slot_names[slot]} : " if slot is not None else ""
        if len(rules) == 1:
            out.append(f"{where}impossible de respecter {rules[0]}.")
        else:
            out.append(
                f"{where}impossible de respecter à la fois {', '.join(rules[:-1])} et {rules[-1]}."
            )
    return out
