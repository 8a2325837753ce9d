"""Why each student is where they are, in French, addressed to the student.

For every slot of the period: the module, with whom and where, and the reason — the need it
serves (and how it ranks among the student's needs), the wish it honours, the coordinator's
lock, the partner they had to stay with. Built from the instance and the groups only, so it
explains hand-made plans as well as the solver's.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..text import elide
from .instance import Group, Instance, parcours_label, scheme_label
from .solution import Solution

_ORDINALS = {2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième"}


def explain(instance: Instance, plan: Solution | Sequence[Group], student: str) -> list[str]:
    """One French sentence per slot for ``student`` (who must exist in the instance)."""
    groups = plan.groups if isinstance(plan, Solution) else tuple(plan)
    s = instance.student(student)
    modules = {m.id: m for m in instance.modules}
    staff_names = {p.id: p.name or p.id for t in instance.slots for p in t.staff}
    room_names = {r.id: r.label or r.id for t in instance.slots for r in t.rooms}
    ranking = sorted(((level, c) for c, level in s.needs.items() if level > 0), reverse=True)
    top = ranking[0][0] if ranking else 0
    locks = {(k.slot, k.module) for k in instance.locked if k.student == student}
    partners = {o for pair in instance.together if student in pair for o in pair if o != student}
    wish_rank = {m: r + 1 for r, m in enumerate(s.wishes)}
    out = []
    for slot in instance.slots:
        day = slot.name
        mine = [g for g in groups if g.slot == slot.id and student in g.students]
        if slot.id in s.unavailable_slots:
            out.append(f"Le {day} : pas de groupe, tu es indisponible sur ce créneau.")
            continue
        if not mine:
            out.append(f"Le {day} : aucun groupe pour l'instant.")
            continue
        g = mine[0]
        module = modules.get(g.module)
        if module is None:
            out.append(f"Le {day} : module {g.module}.")
            continue
        because: list[str] = []
        besides: list[str] = []
        if g.locked or (slot.id, g.module) in locks:
            because.append("la coordination t'y a placé")
        if module.competency is not None:
            level = s.level(module.competency)
            label = instance.competency_label(module.competency)
            if level > 0 and level == top:
                tie = sum(1 for lvl, _c in ranking if lvl == top) > 1
                strongest = "un de tes besoins les plus forts" if tie else "ton besoin le plus fort"
                because.append(f"{strongest} porte sur {label} (niveau {level})")
            elif level > 0:
                rank = 1 + sum(1 for lvl, _c in ranking if lvl > level)
                ordinal = _ORDINALS.get(rank, f"{rank}e")
                because.append(f"ton {ordinal} besoin porte sur {label} (niveau {level})")
            else:
                besides.append(f"pour aller plus loin en {_bare(label)}, où tu n'as pas de besoin")
        if g.module in wish_rank:
            besides.append(f"ton vœu {wish_rank[g.module]} est respecté")
        if instance.separate_schemes and s.scheme:
            besides.append(f"avec les élèves du dispositif {scheme_label(s.scheme)}")
        if instance.separate_parcours and s.parcours:
            besides.append(f"avec les élèves de ton parcours ({parcours_label(s.parcours)})")
        together = sorted(partners & set(g.students))
        if together:
            besides.append(f"avec {', '.join(together)}, comme prévu")
        clauses = [f"parce {' et '.join(elide('que', b) for b in because)}"] if because else []
        clauses += besides
        if not clauses:
            clauses.append("pour compléter ton parcours d'accompagnement")
        people = ", ".join(staff_names.get(p, p) for p in g.staff)
        where = f" avec {people}" if people else ""
        room = f" ({room_names.get(g.room, g.room)})" if g.room else ""
        out.append(f"Le {day}, en {module.name}{where}{room}, {' ; '.join(clauses)}.")
    return out


def explain_all(instance: Instance, plan: Solution | Sequence[Group]) -> dict[str, list[str]]:
    """Explanations for every student, by student id."""
    return {s.id: explain(instance, plan, s.id) for s in instance.students}


def _bare(label: str) -> str:
    """'les mathématiques' -> 'mathématiques', "l'oral" -> 'oral' (after "en")."""
    for article in ("les ", "le ", "la ", "l'", "l’"):
        if label.startswith(article):
            return label[len(article) :]
    return label
