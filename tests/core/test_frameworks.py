"""The default competency framework."""

import json

import pytest

from appui.core.frameworks import (
    DEFAULT_FRAMEWORK,
    FRAMEWORK_VERSION,
    Competency,
    CompetencyKind,
    Domain,
    Framework,
    default_framework,
)

# Codes are stable: results and need profiles refer to them. Changing this list means a new
# framework version, never an edit of this one.
STABLE_CODES = (
    "FR.LEC",
    "FR.ECR",
    "FR.ORA",
    "MA.CAL",
    "MA.PRO",
    "MA.GEO",
    "ME.ORG",
    "ME.MEM",
    "ME.CON",
    "ME.GRP",
    "NU.OUT",
    "NU.INF",
    "PO.PRO",
    "PO.COM",
    "ES.CON",
    "ES.MOT",
    "OR.PRJ",
    "OR.INS",
    "OR.ETU",
    "OR.PAS",
)


def test_it_is_versioned():
    assert FRAMEWORK_VERSION == "appui-2026.1"
    assert default_framework() is DEFAULT_FRAMEWORK
    assert DEFAULT_FRAMEWORK.version == FRAMEWORK_VERSION


def test_its_codes_are_stable():
    assert DEFAULT_FRAMEWORK.codes() == STABLE_CODES


def test_it_covers_what_the_seeds_name():
    labels = {c.code: c.label for c in DEFAULT_FRAMEWORK}
    assert labels["FR.LEC"] == "Comprendre un texte écrit"
    assert labels["FR.ECR"] == "S'exprimer à l'écrit"
    assert labels["FR.ORA"] == "S'exprimer à l'oral"
    assert labels["ME.MEM"] == "Mémoriser"
    assert labels["ME.CON"] == "Lire et interpréter des consignes"
    assert labels["ME.GRP"] == "Travailler en groupe"
    assert [d.label for d in DEFAULT_FRAMEWORK.domains] == [
        "Français",
        "Mathématiques",
        "Méthodes de travail",
        "Compétences numériques",
        "Posture socio-professionnelle",
        "Estime de soi et motivation",
        "Projet d'orientation",
    ]


def test_french_and_maths_are_disciplinary_the_rest_transversal():
    assert DEFAULT_FRAMEWORK.disciplinary_codes() == {
        "FR.LEC",
        "FR.ECR",
        "FR.ORA",
        "MA.CAL",
        "MA.PRO",
        "MA.GEO",
    }
    for competency in DEFAULT_FRAMEWORK:
        if competency.code not in DEFAULT_FRAMEWORK.disciplinary_codes():
            assert competency.kind is CompetencyKind.TRANSVERSAL


def test_orientation_codes_are_the_orientation_domain():
    assert DEFAULT_FRAMEWORK.orientation_codes() == {"OR.PRJ", "OR.INS", "OR.ETU", "OR.PAS"}


def test_every_competency_is_described_and_quotes_a_seed():
    for competency in DEFAULT_FRAMEWORK:
        assert competency.label.strip()
        assert len(competency.description) > 30
        assert competency.sources
        assert all(source.startswith("seed 00") for source in competency.sources)


def test_it_finds_competencies_and_their_domain():
    assert DEFAULT_FRAMEWORK.competency("ME.MEM").label == "Mémoriser"
    assert DEFAULT_FRAMEWORK.domain_of("OR.ETU").code == "OR"
    assert "FR.ECR" in DEFAULT_FRAMEWORK
    assert "XX.YY" not in DEFAULT_FRAMEWORK
    with pytest.raises(KeyError):
        DEFAULT_FRAMEWORK.competency("XX.YY")


def test_it_exports_a_json_ready_dict_for_loading():
    data = json.loads(json.dumps(DEFAULT_FRAMEWORK.as_dict()))
    assert data["version"] == "appui-2026.1"
    assert data["domains"][0]["code"] == "FR"
    assert data["domains"][0]["position"] == 1
    first = data["domains"][0]["competencies"][0]
    assert first["code"] == "FR.LEC"
    assert first["kind"] == "disciplinary"
    assert first["position"] == 1
    assert [c["code"] for d in data["domains"] for c in d["competencies"]] == list(STABLE_CODES)


def _competency(code: str) -> Competency:
    return Competency(code, "Libellé", "Description", CompetencyKind.TRANSVERSAL)


def test_it_refuses_duplicate_codes():
    with pytest.raises(ValueError, match="Code en double : « AB.CD »"):
        Framework(
            "x",
            "x-1",
            "X",
            (
                Domain("AB", "A", "", (_competency("AB.CD"),)),
                Domain("EF", "E", "", (_competency("AB.CD"),)),
            ),
        )


@pytest.mark.parametrize("code", ["ab.cd", "ABCD", "A.B", "AB.CD.EF", "AB-CD"])
def test_it_refuses_malformed_competency_codes(code):
    with pytest.raises(ValueError, match="Code de compétence invalide"):
        Framework("x", "x-1", "X", (Domain("AB", "A", "", (_competency(code),)),))


def test_it_refuses_a_framework_without_version_or_labels():
    with pytest.raises(ValueError) as error:
        Framework(
            "x",
            " ",
            "X",
            (Domain("AB", "", "", (Competency("AB.CD", "", "", CompetencyKind.TRANSVERSAL),)),),
        )
    message = str(error.value)
    assert "version" in message
    assert "Le domaine « AB » n'a pas de libellé." in message
    assert "La compétence « AB.CD » n'a pas de libellé." in message
