"""Writes about partners, resources and remarkable actions (seeds 000 and 001).

Partners and resources are edited like modules (``services.catalogue_save``: a version
fingerprint checked under a row lock). A module marked « action remarquable » gets a public
page once the coordinator publishes it; its address (``public_slug``) is made once and kept,
so unpublishing and publishing again gives the same link.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Module, Partner, Resource


def in_use(row: Partner | Resource) -> bool:
    """Whether a module or a session mobilises it (then it is kept, not deleted: the
    indicators of past periods count it)."""
    return row.modules.exists() or row.sessions.exists()


@transaction.atomic
def partner_or_resource_delete(*, row: Partner | Resource) -> None:
    if in_use(row):
        raise ValidationError(
            _("It is linked to modules or sessions: remove it from them before deleting it.")
        )
    row.delete()


def _new_slug(module: Module) -> str:
    """A public address from the title, with a random tail: unpublished modules cannot be
    found by guessing addresses, and two schools' modules of one title never collide."""
    base = slugify(module.title)[:60].strip("-") or "action"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        if not Module.objects.filter(public_slug=slug).exists():
            return slug


@transaction.atomic
def module_publish(*, module: Module) -> Module:
    """Shows the remarkable action on its public page."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    if not module.remarkable:
        raise ValidationError(_("Mark the module as a remarkable action before publishing it."))
    if not module.public_slug:
        module.public_slug = _new_slug(module)
    module.public_since = timezone.now()
    module.save(update_fields=["public_slug", "public_since"])
    return module


@transaction.atomic
def module_unpublish(*, module: Module) -> Module:
    """Takes the public page down (the address is kept for a later publication)."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    module.public_since = None
    module.save(update_fields=["public_since"])
    return module
