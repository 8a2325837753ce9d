"""The default competency framework (référentiel de compétences), as plain data.

A :class:`Framework` holds :class:`Domain` objects, each holding :class:`Competency` objects.
Codes are stable identifiers (``FR.LEC``, ``ME.CON``…): results, need profiles and the
grouping solver refer to competencies by code only, so a code is never reused for another
meaning. A change of meaning ships as a new framework version (``FRAMEWORK_VERSION``); the
Django side loads a version once and keeps it, so past results keep their meaning.

What the default framework covers comes from the seeds, quoted on every competency in
``sources``:

* French and mathematics, the disciplines of the « aide individualisée » and of the collège
  need groups (seed 003, § 7 « Ne confondons pas ! »; seed 002, « Indicateurs de réussite et/ou outils de suivi »:
  « niveau d'acquisition des connaissances et compétences du socle commun »);
* methods: « apprendre une leçon, faire des révisions, comprendre et rédiger un texte écrit,
  lire et interpréter des consignes, […] préparer et réaliser un exposé oral, conduire un
  projet individuel ou collectif, travailler en groupe » (seed 004, « La mise en oeuvre »);
* digital skills: « utilisation des TICE » (seed 003, § 5 « Exemples d'activités »);
* socio-professional posture: « travail sur la posture en entreprise » (seed 003, § 5) and the
  « compétences transversales, psychosociales, socio-professionnelles » (seed 000, « Suivi et
  évaluation »);
* self-esteem and motivation: « retrouver une image positive de lui-même […] le goût et la
  volonté de progresser » (seed 003, § 2 « Les objectifs »);
* the orientation project, the third strand « aide à l'orientation (module d'insertion
  professionnelle et de poursuite d'études) » (seed 000, « Les trois volets ») and the
  « passerelles » and higher-studies projects (seed 003, § 1 « L'enjeu »).

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "DEFAULT_FRAMEWORK",
    "FRAMEWORK_CODE",
    "FRAMEWORK_VERSION",
    "ORIENTATION_DOMAIN",
    "Competency",
    "CompetencyKind",
    "Domain",
    "Framework",
    "default_framework",
]

FRAMEWORK_CODE = "appui"
FRAMEWORK_VERSION = "appui-2026.1"
ORIENTATION_DOMAIN = "OR"
"""Code of the domain whose competencies are orientation needs (see ``needs.py``)."""

CODE_PATTERN = re.compile(r"^[A-Z]{2,4}(\.[A-Z0-9]{2,8})?$")
"""Domain codes are ``FR``; competency codes are ``FR.LEC``: upper-case ASCII, one dot."""


class CompetencyKind(StrEnum):
    """Whether a competency belongs to one discipline or is shared by all."""

    TRANSVERSAL = "transversal"
    DISCIPLINARY = "disciplinary"

    @property
    def label(self) -> str:
        """French label."""
        return {
            CompetencyKind.TRANSVERSAL: "transversale",
            CompetencyKind.DISCIPLINARY: "disciplinaire",
        }[self]


@dataclass(frozen=True)
class Competency:
    """One competency that can be diagnosed and worked on in a module."""

    code: str
    label: str
    description: str
    kind: CompetencyKind
    sources: tuple[str, ...] = ()
    """Where the seeds name it: ``"seed 004, « La mise en oeuvre »"``."""


@dataclass(frozen=True)
class Domain:
    """A family of competencies (French, methods, orientation…)."""

    code: str
    label: str
    description: str
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class Framework:
    """A versioned competency framework; codes are unique across all its domains."""

    code: str
    version: str
    label: str
    domains: tuple[Domain, ...]
    orientation_domain: str | None = ORIENTATION_DOMAIN
    _index: dict[str, tuple[Domain, Competency]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        errors = _check(self)
        if errors:
            raise ValueError(" ".join(errors))
        index = {c.code: (d, c) for d in self.domains for c in d.competencies}
        object.__setattr__(self, "_index", index)

    def __iter__(self) -> Iterator[Competency]:
        """Competencies in display order (domain order, then competency order)."""
        for domain in self.domains:
            yield from domain.competencies

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def codes(self) -> tuple[str, ...]:
        """Competency codes in display order."""
        return tuple(c.code for c in self)

    def competency(self, code: str) -> Competency:
        """The competency with this code; ``KeyError`` if unknown."""
        return self._index[code][1]

    def domain_of(self, code: str) -> Domain:
        """The domain holding the competency ``code``; ``KeyError`` if unknown."""
        return self._index[code][0]

    def disciplinary_codes(self) -> frozenset[str]:
        """Codes of the disciplinary competencies."""
        return frozenset(c.code for c in self if c.kind is CompetencyKind.DISCIPLINARY)

    def orientation_codes(self) -> frozenset[str]:
        """Codes of the competencies of the orientation domain."""
        return frozenset(
            c.code
            for d in self.domains
            if d.code == self.orientation_domain
            for c in d.competencies
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready nested dict, with ``position`` fields, for loading into a database."""
        return {
            "code": self.code,
            "version": self.version,
            "label": self.label,
            "orientation_domain": self.orientation_domain,
            "domains": [
                {
                    "code": d.code,
                    "label": d.label,
                    "description": d.description,
                    "position": i,
                    "competencies": [
                        {
                            "code": c.code,
                            "label": c.label,
                            "description": c.description,
                            "kind": c.kind.value,
                            "position": j,
                            "sources": list(c.sources),
                        }
                        for j, c in enumerate(d.competencies, start=1)
                    ],
                }
                for i, d in enumerate(self.domains, start=1)
            ],
        }


def _check(framework: Framework) -> list[str]:
    """French messages for every structural problem of a framework."""
    errors: list[str] = []
    if not framework.version.strip():
        errors.append("Le référentiel doit avoir une version.")
    seen: set[str] = set()
    for domain in framework.domains:
        if not CODE_PATTERN.match(domain.code) or "." in domain.code:
            errors.append(f"Code de domaine invalide : « {domain.code} ».")
        if domain.code in seen:
            errors.append(f"Code en double : « {domain.code} ».")
        seen.add(domain.code)
        if not domain.label.strip():
            errors.append(f"Le domaine « {domain.code} » n'a pas de libellé.")
        for competency in domain.competencies:
            if not CODE_PATTERN.match(competency.code) or "." not in competency.code:
                errors.append(f"Code de compétence invalide : « {competency.code} ».")
            if competency.code in seen:
                errors.append(f"Code en double : « {competency.code} ».")
            seen.add(competency.code)
            if not competency.label.strip():
                errors.append(f"La compétence « {competency.code} » n'a pas de libellé.")
    return errors


_D = CompetencyKind.DISCIPLINARY
_T = CompetencyKind.TRANSVERSAL
_S003_5 = "seed 003, § 5 « Exemples d'activités »"
_S004_MO = "seed 004, « La mise en oeuvre »"
_S004_SG = "seed 004, « La stratégie et les gestes professionnels à développer »"
_S002_IND = "seed 002, « Indicateurs de réussite et/ou outils de suivi »"
_S000_3V = "seed 000, « Les trois volets du dispositif d'accompagnement »"

DEFAULT_FRAMEWORK = Framework(
    code=FRAMEWORK_CODE,
    version=FRAMEWORK_VERSION,
    label="Référentiel appui de l'accompagnement personnalisé",
    domains=(
        Domain(
            code="FR",
            label="Français",
            description="Lire, écrire et parler : les compétences de français mobilisées "
            "dans toutes les disciplines et en situation professionnelle.",
            competencies=(
                Competency(
                    "FR.LEC",
                    "Comprendre un texte écrit",
                    "Lire un texte, un document ou un énoncé, en dégager l'information utile "
                    "et le sens global ; décoder l'information.",
                    _D,
                    (_S004_MO, "seed 003, § 7 « Ne confondons pas ! »"),
                ),
                Competency(
                    "FR.ECR",
                    "S'exprimer à l'écrit",
                    "Rédiger un texte clair et organisé adapté à la situation (compte rendu, "
                    "lettre, réponse argumentée), en respectant la langue.",
                    _D,
                    (_S004_MO, "seed 003, § 7 « Ne confondons pas ! »"),
                ),
                Competency(
                    "FR.ORA",
                    "S'exprimer à l'oral",
                    "Prendre la parole devant un groupe, préparer et réaliser un exposé, "
                    "adapter son langage et sa gestuelle à l'interlocuteur.",
                    _D,
                    (_S004_MO, _S003_5),
                ),
            ),
        ),
        Domain(
            code="MA",
            label="Mathématiques",
            description="Les compétences mathématiques du socle commun utiles dans les "
            "enseignements professionnels.",
            competencies=(
                Competency(
                    "MA.CAL",
                    "Nombres et calcul",
                    "Calculer avec des nombres entiers, décimaux et fractions, mentalement, "
                    "à la main ou à la calculatrice ; estimer un ordre de grandeur.",
                    _D,
                    ("seed 003, § 7 « Ne confondons pas ! »", _S002_IND),
                ),
                Competency(
                    "MA.PRO",
                    "Résoudre un problème, proportionnalité",
                    "Traduire une situation (souvent professionnelle) en calcul, reconnaître "
                    "et utiliser la proportionnalité (pourcentages, échelles, vitesses).",
                    _D,
                    (_S004_SG,),
                ),
                Competency(
                    "MA.GEO",
                    "Géométrie et mesures",
                    "Lire un plan, mesurer, convertir des unités, calculer des longueurs, "
                    "des aires et des volumes.",
                    _D,
                    (_S002_IND,),
                ),
            ),
        ),
        Domain(
            code="ME",
            label="Méthodes de travail",
            description="« Apprendre à apprendre » : les méthodes et outils pour apprendre, "
            "communs à toutes les disciplines.",
            competencies=(
                Competency(
                    "ME.ORG",
                    "S'organiser dans son travail",
                    "Gérer son matériel, son agenda et son temps ; planifier un travail, "
                    "conduire un projet individuel ou collectif.",
                    _T,
                    (_S004_MO, "seed 003, § 2 « Les objectifs »"),
                ),
                Competency(
                    "ME.MEM",
                    "Mémoriser",
                    "Apprendre une leçon, faire des révisions, utiliser des stratégies de "
                    "mémorisation et les vérifier.",
                    _T,
                    (_S004_MO, _S004_SG),
                ),
                Competency(
                    "ME.CON",
                    "Lire et interpréter des consignes",
                    "Comprendre ce qui est demandé, repérer les verbes de consigne et les "
                    "contraintes, vérifier que la réponse y correspond.",
                    _T,
                    (_S004_MO,),
                ),
                Competency(
                    "ME.GRP",
                    "Travailler en groupe",
                    "Coopérer, se répartir les tâches, écouter et tenir compte des autres, "
                    "rendre compte du travail commun.",
                    _T,
                    (_S004_MO,),
                ),
            ),
        ),
        Domain(
            code="NU",
            label="Compétences numériques",
            description="Utiliser les outils numériques pour apprendre, communiquer et travailler.",
            competencies=(
                Competency(
                    "NU.OUT",
                    "Utiliser les outils numériques",
                    "Se servir de l'ENT, de la messagerie, d'un traitement de texte et d'un "
                    "tableur ; ranger et retrouver ses fichiers.",
                    _T,
                    (_S003_5, "seed 004, « La coordination et l'organisation par niveau »"),
                ),
                Competency(
                    "NU.INF",
                    "Rechercher et évaluer l'information",
                    "Mener une recherche en ligne, identifier la source d'une information et "
                    "juger de sa fiabilité.",
                    _T,
                    (_S003_5, _S004_MO),
                ),
            ),
        ),
        Domain(
            code="PO",
            label="Posture socio-professionnelle",
            description="Les savoir-être attendus en entreprise et dans l'établissement.",
            competencies=(
                Competency(
                    "PO.PRO",
                    "Adopter une posture professionnelle",
                    "Ponctualité, assiduité, tenue, respect des règles et des consignes de "
                    "sécurité, attitude en période de formation en milieu professionnel.",
                    _T,
                    (_S003_5, "seed 000, « Suivi et évaluation »"),
                ),
                Competency(
                    "PO.COM",
                    "Communiquer en situation professionnelle",
                    "Accueillir, se présenter, téléphoner, rendre compte à un tuteur ou à un "
                    "client avec le registre adapté.",
                    _T,
                    (_S003_5,),
                ),
            ),
        ),
        Domain(
            code="ES",
            label="Estime de soi et motivation",
            description="Image de soi, confiance et goût d'apprendre : des leviers de la "
            "réussite travaillés en AP.",
            competencies=(
                Competency(
                    "ES.CON",
                    "Confiance et estime de soi",
                    "Avoir une image positive de soi, oser essayer et se tromper, "
                    "reconnaître ses réussites et ses points forts.",
                    _T,
                    (
                        "seed 003, § 2 « Les objectifs »",
                        _S003_5,
                        _S004_SG,
                    ),
                ),
                Competency(
                    "ES.MOT",
                    "Motivation et sens des apprentissages",
                    "Donner du sens au travail scolaire, s'engager dans les tâches, avoir le "
                    "goût et la volonté de progresser.",
                    _T,
                    ("seed 003, § 2 « Les objectifs »", _S003_5),
                ),
            ),
        ),
        Domain(
            code=ORIENTATION_DOMAIN,
            label="Projet d'orientation",
            description="Le troisième volet du dispositif : aide à l'orientation, insertion "
            "professionnelle et poursuite d'études.",
            competencies=(
                Competency(
                    "OR.PRJ",
                    "Construire son projet d'orientation",
                    "Connaître ses intérêts et ses points forts, découvrir les métiers et les "
                    "formations, formuler et confirmer un projet.",
                    _T,
                    (_S003_5, _S000_3V),
                ),
                Competency(
                    "OR.INS",
                    "Préparer son insertion professionnelle",
                    "Rédiger un CV et une lettre de motivation, se préparer à un entretien "
                    "d'embauche, connaître les acteurs de l'emploi.",
                    _T,
                    (
                        _S000_3V,
                        "seed 001, « Mise en œuvre du dispositif en classe de bac professionnel »",
                    ),
                ),
                Competency(
                    "OR.ETU",
                    "Préparer une poursuite d'études",
                    "Connaître les formations supérieures (BTS, etc.), constituer un dossier "
                    "de candidature, acquérir les méthodes attendues après le bac.",
                    _T,
                    ("seed 003, § 1 « L'enjeu »", _S000_3V),
                ),
                Competency(
                    "OR.PAS",
                    "Préparer une passerelle",
                    "Préparer un changement de spécialité ou de voie (professionnelle, "
                    "générale, technologique) : attendus, mise à niveau, démarches.",
                    _T,
                    ("seed 003, § 1 « L'enjeu »",),
                ),
            ),
        ),
    ),
)
"""The framework appui ships, version ``appui-2026.1``."""


def default_framework() -> Framework:
    """The default framework (an immutable value; safe to share)."""
    return DEFAULT_FRAMEWORK
