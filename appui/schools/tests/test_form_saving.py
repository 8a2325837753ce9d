"""``save_form``: the one place where a posted form is saved with its edit-conflict check."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from appui.schools.form_saving import Saved, save_form
from appui.schools.services import ChangedMeanwhile


class NameForm(forms.Form):
    name = forms.CharField()


def request(method="post", data=None):
    req = getattr(RequestFactory(), method)("/", data or {})
    req.session = {}
    req._messages = FallbackStorage(req)
    return req


def flashed(req) -> list[str]:
    return [str(m) for m in get_messages(req)]


def fail(error):
    def save():
        raise error

    return save


def test_a_valid_post_is_saved_and_flashed_even_when_save_returns_nothing():
    req = request(data={"name": "Léa"})
    saved = save_form(req, NameForm(req.POST), lambda: None, "Saved.")
    assert saved == Saved(None) and saved  # true: the caller redirects
    assert flashed(req) == ["Saved."]


@pytest.mark.parametrize(
    ("method", "data"), [("get", {}), ("post", {})], ids=["not posted", "invalid"]
)
def test_nothing_is_saved_unless_a_valid_form_is_posted(method, data):
    req = request(method, data)
    calls = []
    form = NameForm(req.POST if method == "post" else None)
    assert save_form(req, form, lambda: calls.append(1), "Saved.") is None
    assert calls == [] and flashed(req) == []


def test_a_row_changed_meanwhile_puts_the_conflict_on_the_form():
    req = request(data={"name": "Léa"})
    form = NameForm(req.POST)
    assert save_form(req, form, fail(ChangedMeanwhile()), "Saved.") is None
    assert form.non_field_errors() == [str(ChangedMeanwhile())]
    assert form.cleaned_data["name"] == "Léa"  # what was typed is shown again
    assert flashed(req) == []


def test_a_value_the_service_refuses_is_put_on_the_form():
    req = request(data={"name": "Léa"})
    form = NameForm(req.POST)
    assert save_form(req, form, fail(ValidationError("Too late.")), "Saved.") is None
    assert form.non_field_errors() == ["Too late."]
    assert flashed(req) == []
