"""The « elided » template filter: translated sentences elide « de » before a name."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template(
    "{% load i18n french %}{% blocktranslate asvar elision_text trimmed with name=n "
    "period=p %}Stage review of {{ name }} — {{ period }}{% endblocktranslate %}"
    "{{ elision_text|elided:n }}"
)


def render(name: str, language: str = "fr") -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"n": name, "p": "P1"}))


def test_french_elides_before_a_vowel():
    assert render("Alexis") == "Bilan d'étape d'Alexis — P1"
    assert render("Hugo") == "Bilan d'étape d'Hugo — P1"
    assert render("Paul") == "Bilan d'étape de Paul — P1"


def test_english_and_escaping_are_untouched():
    assert render("Alexis", "en") == "Stage review of Alexis — P1"
    assert render("<b>") == "Bilan d'étape de &lt;b&gt; — P1"
