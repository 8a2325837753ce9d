"""The widgets drawn in Python (appui.schools.widgets) draw what Django's own widgets draw."""

import re

from django import forms
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy

from appui.schools.widgets import RowChoices, RowHidden, RowSelect

CHOICES = [("", "— aucun —"), (3, "Écrire <vite> & bien"), (12, "Oral"), (7, "L'oral « B »")]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_row_select_draws_the_options_of_django_select():
    for value in (None, "", 3, "12", 99):
        django_html = forms.Select(choices=CHOICES).render("wish_1", value)
        row_html = RowSelect(choices=CHOICES).render("wish_1", value)
        assert _options(row_html) == _options(django_html)
        assert len(_options(row_html)) == len(CHOICES)


def test_row_select_selects_the_value_only_once_and_escapes_labels():
    html = RowSelect(choices=CHOICES).render("wish_1", 12, attrs={"aria-label": "Vœu 1 — <b>"})
    assert html.count(" selected") == 1
    assert '<option value="12" selected>Oral</option>' in html
    assert "Écrire &lt;vite&gt; &amp; bien" in html
    assert 'aria-label="Vœu 1 — &lt;b&gt;"' in html
    # Options shared by many selects are not changed by one of them.
    other = RowSelect(choices=CHOICES).render("wish_2", 3)
    assert other.count(" selected") == 1
    assert '<option value="3" selected>' in other


def test_row_select_labels_follow_the_language():
    choices = [("a", gettext_lazy("Save"))]
    with translation.override("fr"):
        french = RowSelect(choices=choices).render("x", None)
    with translation.override("en"):
        english = RowSelect(choices=choices).render("x", None)
    assert ">Enregistrer<" in french
    assert ">Save<" in english


def test_row_choices_are_taken_as_they_are_by_fields():
    choices = RowChoices(CHOICES)
    field = forms.TypedChoiceField(choices=choices, coerce=int, widget=RowSelect)
    assert field.choices is choices
    assert field.widget.choices is choices
    assert list(field.widget.choices) == CHOICES
    assert field.clean("7") == 7


def test_row_hidden_draws_a_hidden_input():
    assert RowHidden().render("version", "v<1>") == (
        '<input type="hidden" name="version" value="v&lt;1&gt;">'
    )
    assert RowHidden().render("version", None) == '<input type="hidden" name="version">'


class Choices(forms.Form):
    staff = forms.MultipleChoiceField(
        choices=[("1", "Mme <Durand>"), ("2", "M. Martin"), ("3", "Mme Lefèvre")],
        widget=forms.CheckboxSelectMultiple,
    )


def _django_labels(field) -> str:
    # As the templates drew them: ``<label>{{ c.tag }} {{ c.choice_label }}</label>``.
    return "".join(
        f"<label>{choice.tag()} {conditional_escape(choice.choice_label)}</label>"
        for choice in field
    )


def _boxes(html: str) -> list[tuple[frozenset, str]]:
    """Each ``<label><input …> text</label>``: the input's attributes (in any order), the text."""
    return [
        (frozenset(re.findall(r'([a-z-]+)(?:="([^"]*)")?', attributes)), text)
        for attributes, text in re.findall(r"<label><input ([^>]*)> ([^<]*)</label>", html)
    ]


def test_choice_labels_draw_what_django_draws():
    from appui.schools.widgets import choice_labels

    unbound = Choices(initial={"staff": ["2"]})["staff"]
    assert _boxes(choice_labels(unbound)) == _boxes(_django_labels(unbound))
    assert len(_boxes(choice_labels(unbound))) == 3
    assert 'value="2" id="id_staff_1" checked>' in choice_labels(unbound)
    # Bound with an error: the same attributes (aria-invalid) on every box.
    invalid = Choices(data={"staff": ["9"]})
    invalid.is_valid()
    assert 'aria-invalid="true"' in choice_labels(invalid["staff"])
    assert _boxes(choice_labels(invalid["staff"])) == _boxes(_django_labels(invalid["staff"]))
    checked = Choices(data={"staff": ["1", "3"]})["staff"]
    assert _boxes(choice_labels(checked)) == _boxes(_django_labels(checked))
    assert choice_labels(checked).count(" checked") == 2
    assert "Mme &lt;Durand&gt;" in choice_labels(checked)
