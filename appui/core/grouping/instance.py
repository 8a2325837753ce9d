"""The grouping instance: plain dataclasses, loaded from and saved to JSON.

One instance is one level for one period: the students with their need levels, the slots
(barrettes) with the staff and rooms available in each, the module catalogue, pairs of
students to keep together or apart, last period's groups, the coordinator's locks and the
objective weights. The JSON keys are documented in ``docs/grouping.md``; optional keys may be
omitted and are then given their documented defaults.

Loading checks the instance for consistency (unknown ids, duplicates, levels out of range…)
and raises :class:`InstanceError` with French messages meant for the coordinator.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appui.core.io.mef import Scheme
from appui.core.parcours import Parcours

#: Special schemes a student may carry ("" is none); see ``Instance.separate_schemes``.
SCHEMES: tuple[str, ...] = tuple(s.value for s in Scheme)


def scheme_label(scheme: str) -> str:
    """French name of a scheme, for messages ("sans dispositif" for none)."""
    return Scheme(scheme).label if scheme else "sans dispositif"


#: Terminale parcours a student may carry ("" is not chosen yet); see
#: ``Instance.separate_parcours``.
PARCOURS: tuple[str, ...] = tuple(p.value for p in Parcours)


def parcours_label(parcours: str) -> str:
    """French name of a terminale parcours, for messages."""
    return Parcours(parcours).label


#: Need levels run from 0 (no need) to 3 (strong need).
LEVELS: tuple[int, ...] = (0, 1, 2, 3)
MAX_LEVEL = LEVELS[-1]


class InstanceError(ValueError):
    """The instance is malformed; ``messages`` lists every problem, in French."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Student:
    """A student of the level, with a need level 0–3 per competency."""

    id: str
    division: str
    needs: Mapping[str, int] = field(default_factory=dict)
    wishes: tuple[str, ...] = ()
    unavailable_slots: frozenset[str] = frozenset()
    name: str | None = None
    #: Special scheme (``Scheme`` value: "" none, "segpa", "ulis", "upe2a"); when the
    #: instance keeps schemes apart, no group mixes pupils of different schemes.
    scheme: str = ""
    #: Terminale parcours (``Parcours`` value: "" not chosen, "insertion",
    #: "further_studies"); when the instance keeps parcours apart, no group mixes pupils of
    #: different parcours (pupils who have not chosen form a third kind).
    parcours: str = ""

    def level(self, competency: str | None) -> int:
        """Need level for a competency (0 when unknown or for modules without a competency)."""
        if competency is None:
            return 0
        return self.needs.get(competency, 0)


@dataclass(frozen=True)
class Staff:
    """A staff member available in a slot, with the competencies they can teach."""

    id: str
    competencies: frozenset[str] = frozenset()
    name: str | None = None
    #: Most groups this person may lead over the whole period (None: no limit).
    max_groups: int | None = None


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int
    label: str | None = None


@dataclass(frozen=True)
class Slot:
    """A barrette: a weekly time slot where every division of the level is free together."""

    id: str
    staff: tuple[Staff, ...] = ()
    rooms: tuple[Room, ...] = ()
    label: str | None = None

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Module:
    """A short sequence with one precise objective, run as one or more groups per slot."""

    id: str
    competency: str | None
    kind: str
    min_size: int
    max_size: int
    label: str | None = None
    #: Most groups of this module in one slot (None: no limit).
    max_groups: int | None = None
    #: Need levels of the focus competency the module is meant for (inclusive bounds).
    levels: tuple[int, int] = (LEVELS[0], MAX_LEVEL)
    #: Slots where the module may run (None: every slot).
    slots: frozenset[str] | None = None
    #: Need level the module is aimed at; students further from it cost ``homogeneity``
    #: per level of distance (None: no target).
    target_level: int | None = None

    @property
    def name(self) -> str:
        return self.label or self.id

    def accepts_level(self, level: int) -> bool:
        if self.competency is None:
            return True
        return self.levels[0] <= level <= self.levels[1]

    def runs_in(self, slot_id: str) -> bool:
        return self.slots is None or slot_id in self.slots

    def distance(self, level: int) -> int:
        """Levels between a student's need and the module's target (0 without target)."""
        if self.competency is None or self.target_level is None:
            return 0
        return abs(level - self.target_level)


@dataclass(frozen=True)
class Lock:
    """The coordinator fixed this student in this module for this slot (any of its groups)."""

    student: str
    slot: str
    module: str


@dataclass(frozen=True)
class Group:
    """One group: a module run by staff in a room during one slot, with its members.

    Used both in solutions and, in ``Instance.locked_groups``, for groups the coordinator
    locked as a whole (nobody joins or leaves them when re-solving).
    """

    slot: str
    module: str
    staff: tuple[str, ...]
    room: str
    students: tuple[str, ...]
    id: str | None = None
    locked: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.id is not None:
            data["id"] = self.id
        data.update(
            slot=self.slot,
            module=self.module,
            staff=list(self.staff),
            room=self.room,
            students=list(self.students),
        )
        if self.locked:
            data["locked"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Group:
        return cls(
            slot=str(data["slot"]),
            module=str(data["module"]),
            staff=tuple(str(s) for s in data.get("staff", [])),
            room=str(data.get("room", "")),
            students=tuple(str(s) for s in data.get("students", [])),
            id=None if data.get("id") is None else str(data["id"]),
            locked=bool(data.get("locked", False)),
        )


@dataclass(frozen=True)
class PreviousGroup:
    """A group of last period: its members and, when known, its module and slot."""

    students: tuple[str, ...]
    module: str | None = None
    slot: str | None = None

    def to_json(self) -> list[str] | dict[str, Any]:
        if self.module is None and self.slot is None:
            return list(self.students)
        data: dict[str, Any] = {"students": list(self.students)}
        if self.module is not None:
            data["module"] = self.module
        if self.slot is not None:
            data["slot"] = self.slot
        return data

    @classmethod
    def from_json(cls, data: Any) -> PreviousGroup:
        if isinstance(data, Mapping):
            return cls(
                students=tuple(str(s) for s in data.get("students", [])),
                module=None if data.get("module") is None else str(data["module"]),
                slot=None if data.get("slot") is None else str(data["slot"]),
            )
        return cls(students=tuple(str(s) for s in data))


@dataclass(frozen=True)
class Weights:
    """Objective weights (non-negative integers); see docs/grouping.md for their meaning.

    The objective is maximised: needs served, wishes honoured and divisions mixed count
    positively; students far from their module's target level, modules attended again
    after last period and uneven staff load count negatively.
    """

    need: int = 10
    #: Value of serving a need of level 0, 1, 2, 3 (multiplied by ``need``).
    need_values: tuple[int, ...] = (0, 1, 3, 6)
    homogeneity: int = 3
    wish: int = 4
    #: Value of honouring the 1st, 2nd, 3rd… wish (multiplied by ``wish``); later ranks: 0.
    wish_values: tuple[int, ...] = (3, 2, 1)
    mix: int = 1
    change: int = 5
    load: int = 3
    #: Minimal-change re-solve only (``solve(start=…, minimal_change=True)``): cost of each
    #: placement (student, slot) that differs from the plan started from — another module,
    #: or the same module without the group's staff member. 20 lets a move through when it
    #: serves a level-2 or level-3 need, not for a wish or a better mix.
    stay: int = 20

    def need_value(self, level: int) -> int:
        return self.need * self.need_values[level]

    def wish_value(self, rank: int) -> int:
        """Value of honouring the wish of 0-based ``rank``."""
        if rank >= len(self.wish_values):
            return 0
        return self.wish * self.wish_values[rank]

    def to_dict(self) -> dict[str, Any]:
        return {
            "need": self.need,
            "need_values": list(self.need_values),
            "homogeneity": self.homogeneity,
            "wish": self.wish,
            "wish_values": list(self.wish_values),
            "mix": self.mix,
            "change": self.change,
            "load": self.load,
            "stay": self.stay,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Weights:
        data = dict(data or {})
        errors: list[str] = []
        values: dict[str, Any] = {}
        for name in ("need", "homogeneity", "wish", "mix", "change", "load", "stay"):
            if name in data:
                value = data.pop(name)
                if not _is_natural(value):
                    errors.append(
                        f"Poids « {name} » : entier positif ou nul attendu, pas {value!r}."
                    )
                else:
                    values[name] = int(value)
        for name, length in (("need_values", len(LEVELS)), ("wish_values", None)):
            if name in data:
                value = data.pop(name)
                if (
                    not isinstance(value, list | tuple)
                    or not all(_is_natural(v) for v in value)
                    or (length is not None and len(value) != length)
                ):
                    size = f"{length} " if length else ""
                    errors.append(f"Poids « {name} » : liste de {size}entiers positifs attendue.")
                else:
                    values[name] = tuple(int(v) for v in value)
        errors.extend(_unknown_key(str(name), WEIGHT_KEYS, "poids") for name in data)
        if errors:
            raise InstanceError(errors)
        return cls(**values)


def _is_natural(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class Instance:
    """One level for one period: everything the solver needs."""

    competencies: tuple[str, ...]
    students: tuple[Student, ...]
    slots: tuple[Slot, ...]
    modules: tuple[Module, ...]
    together: tuple[tuple[str, ...], ...] = ()
    apart: tuple[tuple[str, ...], ...] = ()
    previous_groups: tuple[PreviousGroup, ...] = ()
    weights: Weights = field(default_factory=Weights)
    locked: tuple[Lock, ...] = ()
    locked_groups: tuple[Group, ...] = ()
    competency_labels: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    #: No group mixes students of different special schemes (SEGPA, ULIS, UPE2A and none):
    #: need groups must not mix different kinds of need (circulaire de rentrée 2025).
    separate_schemes: bool = False
    #: No group mixes students of different terminale parcours (insertion, further studies,
    #: not chosen): the level's « regrouper selon le parcours de terminale » (seed 001).
    separate_parcours: bool = False

    def __post_init__(self) -> None:
        errors = _check(self)
        if errors:
            raise InstanceError(errors)

    # -- lookups -------------------------------------------------------------------------
    def student(self, student_id: str) -> Student:
        return self._students_by_id[student_id]

    def slot(self, slot_id: str) -> Slot:
        return self._slots_by_id[slot_id]

    def module(self, module_id: str) -> Module:
        return self._modules_by_id[module_id]

    @property
    def _students_by_id(self) -> dict[str, Student]:
        return _index(self, "students")

    @property
    def _slots_by_id(self) -> dict[str, Slot]:
        return _index(self, "slots")

    @property
    def _modules_by_id(self) -> dict[str, Module]:
        return _index(self, "modules")

    def previous_modules(self) -> dict[str, set[str]]:
        """For each student, the modules they attended last period (when known)."""
        out: dict[str, set[str]] = {}
        for g in self.previous_groups:
            if g.module is not None:
                for s in g.students:
                    out.setdefault(s, set()).add(g.module)
        return out

    def competency_label(self, competency: str) -> str:
        return self.competency_labels.get(competency, competency)

    def with_changes(self, **changes: Any) -> Instance:
        """A copy with some fields replaced (e.g. new locks or weights), re-checked."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data.update(changes)
        return Instance(**data)

    # -- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.name is not None:
            data["name"] = self.name
        data["competencies"] = list(self.competencies)
        if self.separate_schemes:
            data["separate_schemes"] = True
        if self.separate_parcours:
            data["separate_parcours"] = True
        if self.competency_labels:
            data["competency_labels"] = dict(self.competency_labels)
        data["students"] = [_student_to_dict(s) for s in self.students]
        data["slots"] = [_slot_to_dict(t) for t in self.slots]
        data["modules"] = [_module_to_dict(m) for m in self.modules]
        data["together"] = [list(p) for p in self.together]
        data["apart"] = [list(p) for p in self.apart]
        data["previous_groups"] = [g.to_json() for g in self.previous_groups]
        if self.locked:
            data["locked"] = [
                {"student": k.student, "slot": k.slot, "module": k.module} for k in self.locked
            ]
        if self.locked_groups:
            data["locked_groups"] = [g.to_dict() for g in self.locked_groups]
        data["weights"] = self.weights.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        if not isinstance(data, Mapping):
            raise InstanceError(["Format d'instance invalide : un objet JSON est attendu."])
        unknown = unknown_keys(data)
        try:
            instance = _from_dict(data)
        except InstanceError as error:
            raise InstanceError(dict.fromkeys(unknown + error.messages)) from error
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            message = f"Format d'instance invalide : {describe_error(error)}."
            raise InstanceError([*unknown, message]) from error
        if unknown:
            raise InstanceError(unknown)
        return instance

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Instance:
        data = parse_json(text)
        if not isinstance(data, dict):
            raise InstanceError(["Format d'instance invalide : un objet JSON est attendu."])
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> Instance:
        return cls.from_json(read_text(path))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")


def _index(instance: Instance, attribute: str) -> dict[str, Any]:
    # Frozen dataclass: cache lookup tables in the instance dict without __setattr__.
    cache_name = f"_cache_{attribute}"
    cache = instance.__dict__.get(cache_name)
    if cache is None:
        cache = {item.id: item for item in getattr(instance, attribute)}
        object.__setattr__(instance, cache_name, cache)
    return cache


def describe_error(error: BaseException) -> str:
    """A French description of a malformed value (never Python's English message)."""
    if isinstance(error, KeyError):
        return f"clé obligatoire manquante « {error.args[0] if error.args else ''} »"
    if isinstance(error, ValueError):
        return "valeur incorrecte (un nombre entier est attendu là où figure un texte)"
    if isinstance(error, IndexError):
        return "liste trop courte (par exemple « levels » : deux niveaux attendus)"
    return "structure inattendue (une liste, un objet ou un nombre est attendu ailleurs)"


# -- strict JSON reading ----------------------------------------------------------------

TOP_KEYS = (
    "name", "competencies", "competency_labels", "students", "slots", "modules", "together",
    "apart", "previous_groups", "locked", "locked_groups", "weights", "separate_schemes",
    "separate_parcours",
)  # fmt: skip
STUDENT_KEYS = (
    "id", "name", "division", "needs", "wishes", "unavailable_slots", "scheme", "parcours",
)  # fmt: skip
SLOT_KEYS = ("id", "label", "staff", "rooms")
STAFF_KEYS = ("id", "competencies", "name", "max_groups")
ROOM_KEYS = ("id", "capacity", "label")
MODULE_KEYS = (
    "id", "competency", "kind", "min_size", "max_size", "label", "max_groups", "levels",
    "slots", "target_level",
)  # fmt: skip
LOCK_KEYS = ("student", "slot", "module")
GROUP_KEYS = ("id", "slot", "module", "staff", "room", "students", "locked")
PREVIOUS_KEYS = ("students", "module", "slot")
WEIGHT_KEYS = (
    "need", "need_values", "homogeneity", "wish", "wish_values", "mix", "change", "load",
    "stay",
)  # fmt: skip


def _unknown_key(key: str, valid: Iterable[str], where: str) -> str:
    """French message for an unknown key, with the closest valid one when there is one."""
    close = difflib.get_close_matches(key, list(valid), n=1)
    hint = f" : vouliez-vous dire « {close[0]} » ?" if close else "."
    return f"Clé inconnue « {key} » ({where}){hint}"


def _items(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a JSON list (anything else is reported later, by the reader)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def unknown_keys(data: Mapping[str, Any]) -> list[str]:
    """Every key of the instance JSON that the format does not know, at any level."""
    out: list[str] = []

    def check(item: Mapping[str, Any], valid: tuple[str, ...], where: str) -> None:
        out.extend(_unknown_key(str(k), valid, where) for k in item if k not in valid)

    def label(item: Mapping[str, Any], kind: str, index: int) -> str:
        ident = item.get("id")
        return f"{kind} {ident}" if isinstance(ident, str | int) else f"{kind} n° {index + 1}"

    check(data, TOP_KEYS, "instance")
    for i, s in enumerate(_items(data.get("students"))):
        check(s, STUDENT_KEYS, label(s, "élève", i))
    for i, t in enumerate(_items(data.get("slots"))):
        where = label(t, "barrette", i)
        check(t, SLOT_KEYS, where)
        for j, p in enumerate(_items(t.get("staff"))):
            check(p, STAFF_KEYS, f"{where}, {label(p, 'intervenant', j)}")
        for j, r in enumerate(_items(t.get("rooms"))):
            check(r, ROOM_KEYS, f"{where}, {label(r, 'salle', j)}")
    for i, m in enumerate(_items(data.get("modules"))):
        check(m, MODULE_KEYS, label(m, "module", i))
    for i, k in enumerate(_items(data.get("locked"))):
        check(k, LOCK_KEYS, f"verrou n° {i + 1}")
    for i, g in enumerate(_items(data.get("locked_groups"))):
        check(g, GROUP_KEYS, f"groupe verrouillé n° {i + 1}")
    for i, g in enumerate(_items(data.get("previous_groups"))):
        check(g, PREVIOUS_KEYS, f"groupe précédent n° {i + 1}")
    if isinstance(data.get("weights"), Mapping):
        check(data["weights"], WEIGHT_KEYS, "poids")
    return out


def parse_json(text: str) -> Any:
    """``json.loads`` with a French error (line and column) instead of Python's."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError(
            [
                f"JSON invalide ligne {error.lineno}, colonne {error.colno} : le fichier "
                "n'est pas du JSON bien formé (virgule, guillemet ou accolade manquant ?)."
            ]
        ) from error


def read_text(path: str | Path) -> str:
    """A UTF-8 file's text (a byte-order mark is accepted); French errors otherwise."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise InstanceError(
            [f"Lecture impossible de {path} : {error.strerror or error}."]
        ) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InstanceError(
            [
                f"Le fichier {path} n'est pas encodé en UTF-8 (octet invalide en position "
                f"{error.start}) : enregistrez-le en UTF-8."
            ]
        ) from error


def _student_to_dict(student: Student) -> dict[str, Any]:
    data: dict[str, Any] = {"id": student.id}
    if student.name is not None:
        data["name"] = student.name
    data.update(
        division=student.division,
        needs=dict(student.needs),
        wishes=list(student.wishes),
        unavailable_slots=sorted(student.unavailable_slots),
    )
    if student.scheme:
        data["scheme"] = student.scheme
    if student.parcours:
        data["parcours"] = student.parcours
    return data


def _slot_to_dict(slot: Slot) -> dict[str, Any]:
    data: dict[str, Any] = {"id": slot.id}
    if slot.label is not None:
        data["label"] = slot.label
    staff = []
    for person in slot.staff:
        item: dict[str, Any] = {"id": person.id, "competencies": sorted(person.competencies)}
        if person.name is not None:
            item["name"] = person.name
        if person.max_groups is not None:
            item["max_groups"] = person.max_groups
        staff.append(item)
    rooms = []
    for room in slot.rooms:
        item = {"id": room.id, "capacity": room.capacity}
        if room.label is not None:
            item["label"] = room.label
        rooms.append(item)
    data.update(staff=staff, rooms=rooms)
    return data


def _module_to_dict(module: Module) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": module.id,
        "competency": module.competency,
        "kind": module.kind,
        "min_size": module.min_size,
        "max_size": module.max_size,
    }
    if module.label is not None:
        data["label"] = module.label
    if module.max_groups is not None:
        data["max_groups"] = module.max_groups
    if module.levels != (LEVELS[0], MAX_LEVEL):
        data["levels"] = list(module.levels)
    if module.slots is not None:
        data["slots"] = sorted(module.slots)
    if module.target_level is not None:
        data["target_level"] = module.target_level
    return data


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _scheme(value: Any, what: str = "Dispositif") -> str:
    # Kept as given when it is a string: _check names an unknown scheme (or parcours) with
    # its student.
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InstanceError([f"{what} : texte attendu, pas {value!r}."])
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InstanceError([f"« {name} » : true ou false attendu, pas {value!r}."])
    return value


# Long on purpose: one constructor call per record type of the JSON schema, in schema order;
# the solver rewrite (a later issue) replaces this reader.
def _from_dict(data: Mapping[str, Any]) -> Instance:
    students = tuple(
        Student(
            id=str(s["id"]),
            division=str(s["division"]),
            needs={str(c): int(v) for c, v in dict(s.get("needs", {})).items()},
            wishes=tuple(dict.fromkeys(str(w) for w in s.get("wishes", []))),
            unavailable_slots=frozenset(str(t) for t in s.get("unavailable_slots", [])),
            name=None if s.get("name") is None else str(s["name"]),
            scheme=_scheme(s.get("scheme")),
            parcours=_scheme(s.get("parcours"), "Parcours"),
        )
        for s in data["students"]
    )
    slots = tuple(
        Slot(
            id=str(t["id"]),
            label=None if t.get("label") is None else str(t["label"]),
            staff=tuple(
                Staff(
                    id=str(p["id"]),
                    competencies=frozenset(str(c) for c in p.get("competencies", [])),
                    name=None if p.get("name") is None else str(p["name"]),
                    max_groups=_optional_int(p.get("max_groups")),
                )
                for p in t.get("staff", [])
            ),
            rooms=tuple(
                Room(
                    id=str(r["id"]),
                    capacity=int(r["capacity"]),
                    label=None if r.get("label") is None else str(r["label"]),
                )
                for r in t.get("rooms", [])
            ),
        )
        for t in data["slots"]
    )
    modules = []
    for m in data["modules"]:
        levels = m.get("levels")
        modules.append(
            Module(
                id=str(m["id"]),
                competency=None if m.get("competency") is None else str(m["competency"]),
                kind=str(m.get("kind", "")),
                min_size=int(m["min_size"]),
                max_size=int(m["max_size"]),
                label=None if m.get("label") is None else str(m["label"]),
                max_groups=_optional_int(m.get("max_groups")),
                levels=(LEVELS[0], MAX_LEVEL)
                if levels is None
                else (int(levels[0]), int(levels[1])),
                slots=None if m.get("slots") is None else frozenset(str(t) for t in m["slots"]),
                target_level=_optional_int(m.get("target_level")),
            )
        )
    known = {s.id for s in students}
    # Last period's groups are history: students who left since are simply dropped.
    previous = []
    for item in data.get("previous_groups", []):
        group = PreviousGroup.from_json(item)
        kept = tuple(s for s in group.students if s in known)
        if kept:
            previous.append(PreviousGroup(kept, group.module, group.slot))
    return Instance(
        name=None if data.get("name") is None else str(data["name"]),
        competencies=tuple(str(c) for c in data["competencies"]),
        competency_labels={
            str(k): str(v) for k, v in dict(data.get("competency_labels", {})).items()
        },
        students=students,
        slots=slots,
        modules=tuple(modules),
        together=tuple(tuple(str(s) for s in p) for p in data.get("together", [])),
        apart=tuple(tuple(str(s) for s in p) for p in data.get("apart", [])),
        previous_groups=tuple(previous),
        separate_schemes=_flag(data.get("separate_schemes", False), "separate_schemes"),
        separate_parcours=_flag(data.get("separate_parcours", False), "separate_parcours"),
        weights=Weights.from_dict(data.get("weights")),
        locked=tuple(
            Lock(student=str(k["student"]), slot=str(k["slot"]), module=str(k["module"]))
            for k in data.get("locked", [])
        ),
        locked_groups=tuple(
            Group.from_dict({**g, "locked": True}) for g in data.get("locked_groups", [])
        ),
    )


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in ids:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


# Long on purpose: one flat list of independent consistency checks, each a line or two;
# the solver rewrite (a later issue) moves them into one class per constraint.
def _check(inst: Instance) -> list[str]:
    """Consistency of ids and values; the solver's feasibility is checked elsewhere."""
    errors: list[str] = []
    competencies = set(inst.competencies)
    errors += [f"Compétence en double : {d}." for d in _duplicates(inst.competencies)]
    errors += [f"Élève en double : {d}." for d in _duplicates(x.id for x in inst.students)]
    errors += [f"Barrette en double : {d}." for d in _duplicates(x.id for x in inst.slots)]
    errors += [f"Module en double : {d}." for d in _duplicates(x.id for x in inst.modules)]
    if not inst.slots:
        errors.append("Aucune barrette.")
    if not inst.modules:
        errors.append("Aucun module.")
    slot_ids = {t.id for t in inst.slots}
    module_ids = {m.id for m in inst.modules}
    student_ids = {s.id for s in inst.students}
    for s in inst.students:
        for c, v in s.needs.items():
            if c not in competencies:
                errors.append(f"Élève {s.id} : compétence inconnue {c}.")
            if v not in LEVELS:
                errors.append(f"Élève {s.id} : niveau de besoin {v} hors de 0 à {MAX_LEVEL}.")
        if s.scheme not in SCHEMES:
            errors.append(
                f"Élève {s.id} : dispositif inconnu « {s.scheme} » "
                f"(attendu : {', '.join(SCHEMES[1:])} ou rien)."
            )
        if s.parcours not in PARCOURS:
            errors.append(
                f"Élève {s.id} : parcours inconnu « {s.parcours} » "
                f"(attendu : {', '.join(PARCOURS[1:])} ou rien)."
            )
        errors.extend(
            f"Élève {s.id} : vœu pour un module inconnu {w}."
            for w in s.wishes
            if w not in module_ids
        )
        errors.extend(
            f"Élève {s.id} : barrette inconnue {t}."
            for t in sorted(s.unavailable_slots)
            if t not in slot_ids
        )
    for t in inst.slots:
        errors += [
            f"Barrette {t.name} : intervenant en double {d}."
            for d in _duplicates(x.id for x in t.staff)
        ]
        errors += [
            f"Barrette {t.name} : salle en double {d}." for d in _duplicates(x.id for x in t.rooms)
        ]
        for p in t.staff:
            errors.extend(
                f"Intervenant {p.id} : compétence inconnue {c}."
                for c in sorted(p.competencies)
                if c not in competencies
            )
            if p.max_groups is not None and p.max_groups < 0:
                errors.append(f"Intervenant {p.id} : nombre maximal de groupes négatif.")
        errors.extend(
            f"Salle {r.id} : capacité {r.capacity} invalide." for r in t.rooms if r.capacity <= 0
        )
    for m in inst.modules:
        if m.competency is not None and m.competency not in competencies:
            errors.append(f"Module {m.id} : compétence inconnue {m.competency}.")
        if not 1 <= m.min_size <= m.max_size:
            errors.append(
                f"Module {m.id} : tailles invalides (min {m.min_size}, max {m.max_size})."
            )
        if m.max_groups is not None and m.max_groups < 0:
            errors.append(f"Module {m.id} : nombre maximal de groupes négatif.")
        lo, hi = m.levels
        if not (LEVELS[0] <= lo <= hi <= MAX_LEVEL):
            errors.append(f"Module {m.id} : niveaux visés invalides {lo}–{hi}.")
        if m.target_level is not None and m.target_level not in LEVELS:
            errors.append(f"Module {m.id} : niveau visé {m.target_level} hors de 0 à {MAX_LEVEL}.")
        if m.slots is not None:
            errors.extend(
                f"Module {m.id} : barrette inconnue {t}."
                for t in sorted(m.slots)
                if t not in slot_ids
            )
    for name, pairs in (("ensemble", inst.together), ("séparés", inst.apart)):
        for pair in pairs:
            if len(pair) < 2:
                errors.append(f"Liste « {name} » trop courte : {list(pair)}.")
            errors.extend(
                f"Liste « {name} » : élève inconnu {s}." for s in pair if s not in student_ids
            )
            if len(set(pair)) < len(pair):
                errors.append(f"Liste « {name} » : élève répété dans {list(pair)}.")
    for lock in inst.locked:
        if lock.student not in student_ids:
            errors.append(f"Verrou : élève inconnu {lock.student}.")
        if lock.slot not in slot_ids:
            errors.append(f"Verrou : barrette inconnue {lock.slot}.")
        if lock.module not in module_ids:
            errors.append(f"Verrou : module inconnu {lock.module}.")
    slots = {t.id: t for t in inst.slots}
    for g in inst.locked_groups:
        where = f"Groupe verrouillé {g.module} ({g.slot})"
        if g.slot not in slots:
            errors.append(f"{where} : barrette inconnue.")
            continue
        if g.module not in module_ids:
            errors.append(f"{where} : module inconnu.")
        slot = slots[g.slot]
        staff_ids = {p.id for p in slot.staff}
        room_ids = {r.id for r in slot.rooms}
        errors.extend(
            f"{where} : intervenant {p} absent de la barrette."
            for p in g.staff
            if p not in staff_ids
        )
        if g.room not in room_ids:
            errors.append(f"{where} : salle {g.room} absente de la barrette.")
        errors.extend(f"{where} : élève inconnu {s}." for s in g.students if s not in student_ids)
    return errors
