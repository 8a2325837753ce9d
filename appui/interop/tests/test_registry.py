"""The registry declares every import kind once; pages, commands and batches follow it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import get_commands, load_command_class
from django.template.loader import get_template
from django.urls import reverse

from appui.interop.forms import UploadForm
from appui.interop.management.commands._base import ImportCommand
from appui.interop.models import ImportBatch
from appui.interop.plan import Importer
from appui.interop.registry import BY_SLUG, KINDS

EXPECTED = {"siecle", "sts", "students", "staff", "results", "lsu", "guardians", "ent_accounts"}


def test_it_declares_every_format_appui_imports():
    assert set(KINDS) == EXPECTED
    assert len(BY_SLUG) == len(KINDS)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_kind_has_a_card_a_form_and_instructions(key):
    entry = KINDS[key]
    for text in (entry.label, entry.help_text, entry.action, entry.title, entry.short):
        assert str(text).strip()
    assert issubclass(entry.form, UploadForm)
    get_template(entry.instructions)  # raises when the kind's instructions are missing


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_kind_has_an_analyser_and_an_applier(key):
    entry = KINDS[key]
    assert callable(entry.analyse)
    assert issubclass(entry.importer, Importer)
    assert entry.importer.write is not Importer.write


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_kind_has_a_command_over_the_registry(key):
    entry = KINDS[key]
    app = get_commands()[entry.command]
    command = load_command_class(app, entry.command)
    assert isinstance(command, ImportCommand)
    assert key in command.kinds


@pytest.mark.django_db
def test_a_batch_of_an_unknown_kind_is_invalid(world):
    batch = ImportBatch(school=world.school, kind="pronote", file_name="x.csv", content=b"")
    with pytest.raises(ValidationError) as invalid:
        batch.full_clean(exclude=["content", "uploaded_by"])
    assert "kind" in invalid.value.message_dict


@pytest.mark.django_db
def test_the_imports_page_lists_every_registered_kind(world, login):
    client = login(world.users["head"])
    body = client.get(reverse("interop:import-home")).content.decode()
    for entry in KINDS.values():
        assert f'data-import="{entry.key}"' in body
        assert reverse("interop:import-upload", args=[entry.slug]) in body
        assert client.get(reverse("interop:import-upload", args=[entry.slug])).status_code == 200
