"""Writes about the partners who came to a session and the resources used in it (seed 001:
« la mobilisation de partenaires extérieurs »; the Avenir Pro interventions of France
Travail and the missions locales are sessions with such a partner)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appui.planning.models import Partner, Resource
from appui.schools.services import ChangedMeanwhile, text_version

from .models import Session


def links_version(session: Session) -> str:
    """The version the session's partners form carries: a fingerprint of its links."""
    partners = sorted(session.partners.values_list("pk", flat=True))
    resources = sorted(session.resources.values_list("pk", flat=True))
    return text_version(repr((partners, resources)))


@transaction.atomic
def session_set_links(
    *,
    session: Session,
    partners: list[Partner],
    resources: list[Resource],
    version: str,
    user,
) -> Session:
    """Sets the partners and resources of ``session``; refused (``ChangedMeanwhile``, nothing
    written) when someone changed them since the form was opened on ``version``."""
    session = (
        Session.objects.select_for_update()
        .select_related("group__plan__level__year")
        .get(pk=session.pk)
    )
    if links_version(session) != version:
        raise ChangedMeanwhile()
    school_id = session.group.plan.level.year.school_id
    schools = {p.school_id for p in partners} | {r.school_id for r in resources}
    if schools - {school_id}:
        raise ValidationError(_("Choose partners and resources of this school."))
    session.partners.set(partners)
    session.resources.set(resources)
    session.updated_by = user
    session.save(update_fields=["updated_by", "updated_at"])
    return session
