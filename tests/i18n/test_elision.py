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


def test_counts_read_as_real_plurals():
    from django.utils.translation import ngettext

    one = "%(n)s draft review prepared from the data."
    many = "%(n)s draft reviews prepared from the data."
    with translation.override("fr"):
        assert (
            ngettext(one, many, 1) % {"n": 1}
            == "1 brouillon de bilan préparé à partir des données."
        )
        assert (
            ngettext(one, many, 3) % {"n": 3}
            == "3 brouillons de bilan préparés à partir des données."
        )
    body = Template(
        "{% load i18n %}{% blocktranslate trimmed count attended=a with held=h %}present at "
        "{{ attended }} session out of {{ held }}{% plural %}present at {{ attended }} sessions "
        "out of {{ held }}{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert body.render(Context({"a": 1, "h": 4})) == "présent à 1 séance sur 4"
        assert body.render(Context({"a": 3, "h": 4})) == "présent à 3 séances sur 4"
