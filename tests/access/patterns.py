"""Every URL pattern of the site, and how to fill its arguments from the access world.

``site_patterns()`` walks the resolver (namespaces included). ``PK_KINDS`` says which kind
of object each ``pk`` names; the other arguments have one meaning site-wide
(``ARG_KINDS``) or a fixed value (``FIXED``). A pattern whose arguments cannot be filled
makes the matrix test fail with the name and argument to add here.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from appui.core.indicators import academy_indicators

# Which object a URL's ``pk`` is, per URL name (kinds are the keys of ``World.objects``).
PK_KINDS = {
    "diagnostics:campaign-detail": "campaign",
    "diagnostics:campaign-state": "campaign",
    "diagnostics:result-grid": "campaign",
    "diagnostics:result-save": "campaign",
    "diagnostics:results-import": "campaign",
    "diagnostics:results-import-preview": "campaign",
    "diagnostics:framework-detail": "framework",
    "diagnostics:level-needs": "level",
    "diagnostics:division-needs": "division",
    "diagnostics:student-profile": "student",
    "diagnostics:interview-create": "student",
    "diagnostics:observation-create": "student",
    "interop:import-preview": "batch",
    "interop:student-data": "student",
    "interop:student-data-json": "student",
    "interop:student-data-pdf": "student",
    "interop:result-export": "campaign",
    "interop:plan-export": "plan",
    "interop:group-sessions-export": "group",
    "interop:level-attendance-export": "level",
    "interop:hours-divisions-export": "level",
    "interop:hours-students-export": "level",
    "planning:round-edit": "round",
    "planning:round-delete": "round",
    "planning:plan-detail": "plan",
    "planning:plan-status": "plan",
    "planning:plan-action": "plan",
    "planning:plan-board-move": "plan",
    "planning:plan-board-lock": "plan",
    "planning:plan-board-pupil": "plan",
    "planning:plan-versions": "plan",
    "planning:plan-restore": "plan",
    "planning:plan-publish": "plan",
    "planning:group-detail": "group",
    "planning:slot-edit": "slot",
    "planning:module-edit": "module",
    "planning:module-publication": "module",
    "planning:partner-edit": "partner",
    "planning:resource-edit": "resource",
    "followup:session-partners": "session",
    "reports:module-fiche-pdf": "module",
    "followup:session-detail": "session",
    "followup:attendance": "session",
    "followup:all-present": "session",
    "followup:mark": "session",
    "followup:group-mark": "session",
    "followup:texts": "session",
    "followup:co-evaluation": "session",
    "followup:session-cancel": "session",
    "followup:session-reschedule": "session",
    "followup:session-restore": "session",
    "followup:student-mark": "session",
    "followup:group-sessions": "group",
    "followup:student-timetable": "student",
    "followup:student-timetable-print": "student",
    "followup:division-timetable": "division",
    "followup:division-timetable-print": "division",
    "followup:portfolio": "student",
    "followup:review-prepare": "student",
    "followup:hours-level": "level",
    "followup:review-list": "division",
    "followup:review-detail": "review",
    "followup:review-action": "review",
    "tutoring:tutorship-detail": "tutorship",
    "tutoring:meeting-add": "tutorship",
    "tutoring:tutorship-end": "tutorship",
    "tutoring:tutorship-informed": "tutorship",
    "tutoring:letter": "tutorship",
    "tutoring:proposal-confirm": "proposal",
    "tutoring:proposal-decline": "proposal",
    "tutoring:student": "student",
    "steering:level-dashboard": "level",
    "steering:level-export": "level",
    "steering:target-delete": "target",
    "steering:milestone-done": "milestone",
    "steering:milestone-delete": "milestone",
    "steering:meeting-detail": "meeting",
    "steering:meeting-edit": "meeting",
    "steering:decision-add": "meeting",
    "steering:action-add": "meeting",
    "steering:decision-done": "decision",
    "steering:action-done": "action",
    "steering:survey-detail": "survey",
    "steering:question-add": "survey",
    "steering:question-delete": "question",
    "steering:survey-publish": "survey",
    "steering:survey-close": "survey",
    "steering:survey-export": "survey",
    "steering:survey-answer": "survey",
    "reports:plan-pdf": "plan",
    "reports:division-timetable-pdf": "division",
    "reports:review-pdf": "review",
    "reports:guardian-letter-pdf": "student",
    "reports:attendance-sheet-pdf": "group",
    "reports:division-letters": "division",
    "reports:plan-attendance-sheets": "plan",
    "schools:school-select": "school",
    "schools:division-detail": "division",
    "schools:student-detail": "student",
    "schools:student-history": "student",
    "schools:settings-level": "level",
    "schools:student-parcours": "student",
    "schools:division-parcours": "division",
    "tutoring:study-help-detail": "study_slot",
    "tutoring:study-help-attendance": "study_slot",
    "tutoring:study-help-delete": "study_slot",
    "tutoring:study-help-signup": "study_slot",
    "tutoring:study-help-cancel": "study_signup",
    "steering:training-edit": "training",
    "steering:training-done": "training",
    "steering:training-delete": "training",
    "steering:pilotage-role-edit": "pilotage_role",
    "steering:pilotage-role-delete": "pilotage_role",
    "jobs:job-detail": "job",
    "jobs:job-status": "job",
    "jobs:job-restart": "job",
    "jobs:job-file": "job",
    "planning:batch-detail": "batch_job",
    "planning:batch-status": "batch_job",
    "sharing:module-share": "module",
    "sharing:entry": "shared_module",
    "sharing:copy": "shared_module",
}

# The admin site's model pages, and the RQ queue dashboard it carries (django-rq's pages,
# for staff users only, answered by the admin's login check like the model pages).
MODEL_ADMIN = re.compile(
    r"^admin:(\w+_(changelist|add|history|delete|change|config|qrcode)|django_rq_(?!home_json)\w+)$"
)

# Arguments with one meaning wherever they appear.
ARG_KINDS = {
    "level_pk": "level",
    "period_pk": "period",
    "student_pk": "student",
    "division_pk": "division",
    "batch_pk": "batch",
    "assignment_pk": "assignment",
    "copy_of": "module",
    "number": "snapshot",
    "token": "token",
    "slug": "public_slug",
}


def _fixed():
    # Values that do not depend on the object probed: the section of a dashboard export, the
    # kind of an import, a password reset link (a made-up one: its page says it is invalid).
    return {
        ("steering:export", "key"): "targets",
        ("steering:level-export", "key"): "targets",
        ("steering:academy-export", "key"): academy_indicators()[0].key,
        ("interop:import-upload", "slug"): "resultats",
        ("accounts:password-reset-confirm", "uidb64"): "MQ",
        ("accounts:password-reset-confirm", "token"): "set-password",
        ("admin:view_on_site", "content_type_id"): "1",
        ("admin:view_on_site", "object_id"): "1",
        ("admin:app_list", "app_label"): "schools",
        # django-rq's statistics for monitoring tools: a made-up token (refused).
        ("admin:django_rq_home_json", "token"): "0",
    }


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    args: tuple[str, ...]

    @property
    def is_model_admin(self) -> bool:
        """A ModelAdmin's page (or the admin's unnamed redirects): answered alike for a role
        by the admin site, so the table has one ``admin:*`` row per role for all of them."""
        if not self.route.startswith("admin/"):
            return False
        return not self.name or bool(MODEL_ADMIN.match(self.name))


def site_patterns() -> list[Pattern]:
    """Every pattern with its namespaced name and argument names, in resolver order."""
    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = entry.name or ""
                if name and namespace:
                    name = f"{namespace}:{name}"
                args = tuple(entry.pattern.regex.groupindex)
                found.append(Pattern(name=name, route=route, args=args))

    walk(get_resolver(), "", None)
    return found


class Unfillable(Exception):
    """A pattern argument the tables above do not say how to fill."""


def object_kinds(pattern: Pattern) -> dict[str, str]:
    """Argument → object kind of the world, for the arguments that name an object."""
    kinds = {}
    fixed = _fixed()
    for arg in pattern.args:
        if (pattern.name, arg) in fixed:
            continue
        if arg == "pk" and pattern.name in PK_KINDS:
            kinds[arg] = PK_KINDS[pattern.name]
        elif arg != "pk" and arg in ARG_KINDS:
            kinds[arg] = ARG_KINDS[arg]
        else:
            raise Unfillable(f"{pattern.name} ({pattern.route}): argument {arg!r}")
    return kinds


def kwargs_for(pattern: Pattern, objects: dict, branch: str | None) -> dict | None:
    """The URL's arguments for one branch of the world, or None when that branch has no such
    object (the school switcher has no "other" school)."""
    fixed = _fixed()
    kwargs = {arg: value for (name, arg), value in fixed.items() if name == pattern.name}
    for arg, kind in object_kinds(pattern).items():
        value = objects[kind].get(branch)
        if value is None:
            return None
        kwargs[arg] = getattr(value, "pk", value)
    return kwargs
