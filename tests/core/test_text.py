"""French elision helpers (appui.core.text)."""

import pytest

from appui.core.text import de, elide, fold, starts_with_vowel_sound, with_elision


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alexis", "d'Alexis"),
        ("Émilie", "d'Émilie"),
        ("Inès", "d'Inès"),
        ("Hélène", "d'Hélène"),
        ("Yves", "d'Yves"),
        ("Œdipe", "d'Œdipe"),
        ("Paul", "de Paul"),
        ("Yann", "de Yann"),
        ("Zoé", "de Zoé"),
        ("4e B", "de 4e B"),
    ],
)
def test_de_elides_before_a_vowel_sound(name, expected):
    assert de(name) == expected


def test_elide_que_and_le():
    assert elide("que", "un de tes besoins") == "qu'un de tes besoins"
    assert elide("que", "la coordination") == "que la coordination"
    assert elide("Le", "atelier") == "L'atelier"
    assert elide("pour", "Alexis") == "pour Alexis"


def test_empty_word_does_not_elide():
    assert not starts_with_vowel_sound("")
    assert de("") == "de "


def test_with_elision_only_before_the_given_names():
    text = "Bilan d'étape de Alexis — de octobre à décembre"
    assert with_elision(text, "Alexis") == "Bilan d'étape d'Alexis — de octobre à décembre"
    assert with_elision("Besoins de Paul", "Paul") == "Besoins de Paul"
    assert with_elision("Stage review of Alexis", "Alexis") == "Stage review of Alexis"
    # A name that merely starts like the word is left alone; so are words ending in « de ».
    assert with_elision("De Alexandre, monde Alexis", "Alexis") == "De Alexandre, monde Alexis"
    assert with_elision("De Alexis et de Inès", "Alexis", "Inès") == "D'Alexis et d'Inès"


def test_fold_still_folds():
    assert fold("Hélène  D'ARC") == "helene d'arc"


def test_unrecorded_sessions_warning_agrees_in_number():
    import datetime as dt

    from appui.core.hours import check_unrecorded
    from tests.core.test_hours import DAY, PLANNED, session

    one = [session(1, ["a"], status=PLANNED, day=DAY - dt.timedelta(days=7))]
    two = [*one, session(2, ["a"], status=PLANNED, day=DAY - dt.timedelta(days=8))]
    [warning] = check_unrecorded(one, as_of=DAY)
    assert warning.message.startswith("1 séance passée ni faite ni annulée : ses heures ")
    [warning] = check_unrecorded(two, as_of=DAY)
    assert warning.message.startswith("2 séances passées ni faites ni annulées : leurs heures ")
    assert "(s)" not in warning.message


def test_plural_takes_the_singular_up_to_one():
    from appui.core.text import plural

    assert plural(0, "élève", "élèves") == "0 élève"
    assert plural(1, "élève", "élèves") == "1 élève"
    assert plural(2, "élève", "élèves") == "2 élèves"


def test_pupil_explanation_elides_que_before_un():
    from appui.core.grouping import Group, explain
    from tests.core.grouping.builders import instance, module, slot, student

    inst = instance(
        [student("S1", needs={"MATH": 3, "FR": 3})],
        slots=[slot("lun", label="lundi")],
        modules=[module("M", "MATH", 1, 4, label="Maths")],
        competency_labels={"MATH": "les mathématiques", "FR": "le français"},
    )
    [line] = explain(inst, [Group("lun", "M", ("P1",), "R1", ("S1",))], "S1")
    assert "parce qu'un de tes besoins les plus forts porte sur les mathématiques" in line
    assert "que un" not in line
