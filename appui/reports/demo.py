"""Demo partners and resources (seed 001) and one remarkable action (seed 000).

Runs after the planning and follow-up demos (INSTALLED_APPS order), since it attaches
partners to the sessions they generated; it draws nothing from the generator, so the rest of
the demo stays as it was. Partners: the local France Travail agency and the mission locale
(Avenir Pro, in the insertion module), a company (in the project and workplace modules);
resources: the Avenir(s) platform and ONISEP's job sheets. The first held sessions of the
orientation groups had a partner. « Posture en entreprise » is a published remarkable action.
"""

import random

from django.utils import timezone
from django.utils.text import slugify

from appui.followup.models import Session
from appui.planning.models import Module, Partner, Resource
from appui.schools.models import School

PARTNERS = [
    (
        "France Travail — agence de Dijon Nord",
        Partner.Kind.FRANCE_TRAVAIL,
        "Conseiller Avenir Pro",
        "Ateliers CV et simulations d'entretien en terminale (Avenir Pro).",
    ),
    (
        "Mission locale de l'agglomération dijonnaise",
        Partner.Kind.MISSION_LOCALE,
        "Référente Avenir Pro",
        "Présentation de l'accompagnement des jeunes après le bac pro.",
    ),
    (
        "Électricité Bourgogne Services",
        Partner.Kind.COMPANY,
        "Responsable d'atelier",
        "Accueille des élèves pour des rencontres métiers.",
    ),
]
RESOURCES = [
    (
        "Plateforme Avenir(s)",
        Resource.Kind.AVENIRS,
        "https://avenirs.onisep.fr/",
        "Parcours d'orientation de l'élève : découverte des métiers et des formations.",
    ),
    (
        "ONISEP — fiches métiers",
        Resource.Kind.WEBSITE,
        "https://www.onisep.fr/metiers",
        "Fiches métiers utilisées en recherche documentaire.",
    ),
]
# Module code → (partners, resources) by their rank in the lists above.
ATTACHED = {
    "INS-O": ([0, 1], [0]),
    "PRJ-O": ([2], [0, 1]),
    "ETU-O": ([], [0]),
    "POS-P": ([2, 0], [1]),
}
# Module code → the partners who came to its groups' first held sessions, in turn; the
# groups of the other orientation modules had France Travail at their first held session.
CAME = {"INS-O": [1, 0], "PRJ-O": [2], "POS-P": [2, 0]}
DEFAULT_CAME = [0]
REMARKABLE = "POS-P"
PUBLIC_SUMMARY = (
    "Avant leur période de formation en milieu professionnel, les élèves préparent leur arrivée "
    "avec une entreprise partenaire : se présenter, adopter la bonne posture, poser des "
    "questions. Un responsable d'atelier vient jouer les entretiens d'accueil en classe, puis "
    "France Travail présente les métiers qui recrutent autour du lycée."
)


def extend_demo(school: School, rng: random.Random) -> None:
    partners = [
        Partner.objects.create(school=school, name=name, kind=kind, contact=contact, notes=notes)
        for name, kind, contact, notes in PARTNERS
    ]
    resources = [
        Resource.objects.create(school=school, title=title, kind=kind, url=url, description=text)
        for title, kind, url, text in RESOURCES
    ]
    modules = {m.code: m for m in Module.objects.filter(school=school, code__in=ATTACHED)}
    for code, (partner_ranks, resource_ranks) in ATTACHED.items():
        if code in modules:
            modules[code].partners.set([partners[i] for i in partner_ranks])
            modules[code].resources.set([resources[i] for i in resource_ranks])
    held = (
        Session.objects.filter(
            group__module__school=school,
            group__module__kind=Module.Kind.ORIENTATION,
            status=Session.Status.DONE,
        )
        .select_related("group__module")
        .order_by("group_id", "date")
    )
    seen: dict[int, int] = {}
    for session in held:
        ranks = CAME.get(session.group.module.code, DEFAULT_CAME)
        turn = seen.get(session.group_id, 0)
        if turn < len(ranks):
            session.partners.add(partners[ranks[turn]])
            session.resources.add(resources[0])
        seen[session.group_id] = turn + 1
    module = modules.get(REMARKABLE)
    if module is not None:
        module.remarkable = True
        module.public_summary = PUBLIC_SUMMARY
        # A fixed address (the school's UAI makes it unique across an académie demo).
        module.public_slug = slugify(f"{module.title} {school.uai}")
        module.public_since = timezone.now()
        module.save()
