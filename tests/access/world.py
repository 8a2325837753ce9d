"""The world the access matrix is probed in: two schools, every role, three branches of objects.

School A has two branches of objects, school B one, each built by ``_branch`` the same way
(a level, a division, a pupil, a campaign, a published plan with a group and today's session,
a stage review, a tutorship and a proposal, steering records, a survey, an import batch…):

- ``own``: school A, level « 2PRO », division 2A and its pupil Léa Martin — the branch the
  teacher teaches, the tutor and CPE follow, the pupil is, the guardian's child is in;
- ``other``: school A, level « 1PRO », division 1B and its pupil Tom Durand — nobody's above
  but the head's, the coordinators' and the level coordinator's (who is limited to 1PRO);
- ``foreign``: school B, division 2Z and its pupil « Secret » — only its own head's.

Identities (``ROLES``): anonymous, head, coordinator (whole school), level_coordinator (1PRO
only), teacher (teaches 2A, runs the own group), tutor (tutor role, Léa's tutor, teaches
nothing), cpe (a CPE: follows every pupil), student (Léa), guardian (Léa's), academy,
no_role (a signed-in account with no membership anywhere), outsider (head of school B).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Campaign, Framework
from appui.followup.models import CalendarFeed, Session, StageReview
from appui.interop.models import ImportBatch
from appui.jobs.files import store_job_file
from appui.jobs.models import Job
from appui.planning.models import (
    Assignment,
    Group,
    Module,
    Partner,
    Plan,
    PlanSnapshot,
    Resource,
    Room,
    Round,
    Slot,
    WishWindow,
)
from appui.planning.models_sharing import SharedModule
from appui.schools.models import Academy, Membership, Period, Staff, StudentGuardian, Teaching
from appui.schools.tests import factories as f
from appui.steering import services as steering
from appui.steering.models import PilotageRole, Survey, TrainingAction
from appui.tutoring.models import StudyHelpSignup, StudyHelpSlot, Tutor, Tutorship

Role = Membership.Role

# Tuesday 24 November 2026, 10:00 in Paris: period 2 of the world's year, a session day.
TODAY = datetime.date(2026, 11, 24)

ROLES = [
    "anonymous",
    "head",
    "coordinator",
    "level_coordinator",
    "teacher",
    "tutor",
    "cpe",
    "student",
    "guardian",
    "academy",
    "no_role",
    "outsider",
]
BRANCHES = ["own", "other", "foreign"]


@dataclass
class World:
    users: dict[str, Any]
    # kind -> branch -> object (or value); see ``_branch``.
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, branch: str, **objects: Any) -> None:
        for kind, obj in objects.items():
            self.objects.setdefault(kind, {})[branch] = obj


def _periods(year) -> tuple[Period, Period]:
    p1 = Period.objects.create(
        year=year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    p2 = Period.objects.create(
        year=year,
        number=2,
        name="Période 2",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 12, 18),
    )
    return p1, p2


def _branch(world: World, branch: str, *, school, year, level, division, student, staff,
            tutor_staff, period, framework, code: str) -> None:  # fmt: skip
    """One branch of objects, every one of them tied to ``level``/``division``/``student``."""
    competencies = list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL"]))
    campaign = diagnostics.campaign_create(
        level=level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name=f"Bilan {code}",
        date=datetime.date(2026, 11, 3),
        framework=framework,
        competencies=competencies,
    )
    diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    batch = ImportBatch.objects.create(
        school=school,
        kind="results",
        campaign=campaign,
        file_name="resultats.csv",
        content=b"",
        summary={},
    )
    room = Room.objects.create(school=school, name=f"S-{code}", capacity=20)
    module = Module.objects.create(
        school=school,
        code=f"LEC-{code}",
        title=f"Lire {code}",
        objective="Repérer les informations essentielles d'un texte",
        competency=competencies[0],
        kind=Module.Kind.SUPPORT,
        sessions=4,
        min_size=1,
        max_size=12,
    )
    module.staff.set([staff])
    # Partners and resources (edited in the catalogue); the module is a published remarkable
    # action, whose public page answers everyone.
    partner = Partner.objects.create(school=school, name=f"Partenaire {code}", kind="autre")
    resource = Resource.objects.create(school=school, title=f"Ressource {code}", kind="site")
    Module.objects.filter(pk=module.pk).update(
        remarkable=True, public_slug=f"action-{code.lower()}", public_since=timezone.now()
    )
    slot = Slot.objects.create(
        year=year,
        level=level,
        weekday=1,
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
    )
    slot.periods.set([period])
    slot.divisions.set([division])
    slot.staff.set([staff])
    slot.rooms.set([room])
    round_ = Round.objects.create(
        level=level,
        period=period,
        number=1,
        starts_on=period.start_date,
        ends_on=period.end_date,
    )
    plan = Plan.objects.create(
        level=level, period=period, status=Plan.Status.PUBLISHED, published_at=timezone.now()
    )
    PlanSnapshot.objects.create(plan=plan, level=level, period=period, number=1, origin="solve")
    group = Group.objects.create(plan=plan, slot=slot, module=module, room=room, round=round_)
    group.staff.set([staff])
    assignment = Assignment.objects.create(group=group, student=student)
    session = Session.objects.create(
        group=group, date=TODAY, start_time=datetime.time(10), end_time=datetime.time(11, 30)
    )
    window = WishWindow.objects.create(
        level=level, period=period, opens_on=TODAY, closes_on=TODAY + datetime.timedelta(days=7)
    )
    window.modules.set([module])
    review = StageReview.objects.create(
        student=student,
        period=period,
        status=StageReview.Status.VALIDATED,
        comment="Des progrès réguliers.",
        validated_at=timezone.now(),
    )
    tutor = Tutor.objects.create(year=year, staff=tutor_staff, volunteered_on=TODAY, max_tutees=3)
    tutorship = Tutorship.objects.create(
        year=year, tutor=tutor, student=student, start_date=TODAY, guardians_informed_on=TODAY
    )
    Tutor.objects.filter(pk=tutor.pk).update(tutee_count=1)
    proposal = Tutorship.objects.create(
        year=year, tutor=tutor, student=student, start_date=TODAY, proposed=True
    )
    target = steering.target_set(
        year=year, indicator="attendance", level=level, direction="at_least", value=90
    )
    milestone = steering.milestone_create(
        year=year, title=f"Diagnostic {code}", due_date=TODAY, level=level
    )
    meeting = steering.meeting_save(
        year=year,
        kind="regulation",
        date=TODAY,
        title=f"Régulation {code}",
        agenda="Bilan de la période",
        attendees=[staff],
        levels=[level],
    )
    decision = steering.decision_add(meeting=meeting, text="Renouveler les groupes")
    action = steering.action_add(
        meeting=meeting,
        description="Préparer le re-diagnostic",
        owner=staff,
        due_date=TODAY + datetime.timedelta(days=10),
        decision=decision,
    )
    survey = steering.survey_create(
        year=year,
        template=Survey.Template.STUDENTS,
        opens_on=TODAY - datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=30),
        for_students=True,
        for_guardians=True,
        levels=[level],
    )
    steering.survey_publish(survey=survey)
    feed = CalendarFeed.objects.create(staff=staff)
    # Study help: tomorrow's slot, supervised by the branch's teacher, the pupil signed up.
    study_slot = StudyHelpSlot.objects.create(
        year=year,
        date=TODAY + datetime.timedelta(days=1),
        start_time=datetime.time(17),
        end_time=datetime.time(18),
        capacity=10,
        taken=1,
    )
    study_slot.supervisors.set([staff])
    study_slot.levels.set([level])
    study_signup = StudyHelpSignup.objects.create(slot=study_slot, student=student)
    training = TrainingAction.objects.create(year=year, title=f"Formation {code}", date=TODAY)
    pilotage_role = PilotageRole.objects.create(
        year=year, kind=PilotageRole.Kind.DIGITAL, staff=staff
    )
    # A finished background job of the school, started by nobody in particular.
    job = Job.objects.create(
        kind="world", key=f"world:{code}", school=school, task_path="x", status=Job.Status.DONE
    )
    # …which left a file to download (``jobs:job-file``).
    store_job_file(job.pk, name=f"{code}.csv", content_type="text/csv", content=b"a;b\n")
    # The module published to the académie's catalogue.
    shared = SharedModule.objects.create(
        academy=school.academy,
        school=school,
        module=module,
        code=module.code,
        title=module.title,
        objective=module.objective,
        kind=module.kind,
        competency_code=competencies[0].code,
        competency_label=competencies[0].label,
        sessions=4,
        min_size=1,
        max_size=12,
        published_at=timezone.now(),
    )
    # A regrouping batch of the school (its page lists levels per school, from ``data``).
    batch_job = Job.objects.create(
        kind="planning.batch",
        key=f"world-batch:{code}",
        school=school,
        task_path="x",
        status=Job.Status.DONE,
        data={"items": []},
    )
    world.add(
        branch,
        school=school,
        level=level,
        division=division,
        student=student,
        period=period,
        framework=framework,
        campaign=campaign,
        batch=batch,
        module=module,
        partner=partner,
        resource=resource,
        public_slug=f"action-{code.lower()}",
        slot=slot,
        round=round_,
        plan=plan,
        snapshot=1,
        group=group,
        assignment=assignment,
        session=session,
        review=review,
        tutorship=tutorship,
        proposal=proposal,
        target=target,
        milestone=milestone,
        meeting=meeting,
        decision=decision,
        action=action,
        survey=survey,
        question=survey.questions.first(),
        token=feed.token,
        study_slot=study_slot,
        study_signup=study_signup,
        training=training,
        pilotage_role=pilotage_role,
        job=job,
        batch_job=batch_job,
        shared_module=shared,
    )


def build_world() -> World:
    # Two académies: A's catalogue of shared modules is not B's.
    school = f.SchoolFactory(
        name="Lycée A", academy=Academy.objects.create(code="XX", name="Académie X")
    )
    year = f.SchoolYearFactory(school=school)
    level = f.LevelFactory(year=year, name="2nde pro", short_name="2PRO")
    other_level = f.LevelFactory(year=year, name="1re pro", short_name="1PRO", year_in_cycle=2)
    division = f.DivisionFactory(level=level, code="2A")
    other_division = f.DivisionFactory(level=other_level, code="1B")
    student = f.StudentFactory(division=division, last_name="Martin", first_name="Léa")
    f.StudentFactory(division=division, last_name="Hélène", first_name="Zoé")
    student_elsewhere = f.StudentFactory(
        division=other_division, last_name="Durand", first_name="Tom"
    )
    other_school = f.SchoolFactory(
        name="Lycée B", academy=Academy.objects.create(code="YY", name="Académie Y")
    )
    other_year = f.SchoolYearFactory(school=other_school)
    foreign_division = f.DivisionFactory(level=f.LevelFactory(year=other_year), code="2Z")
    foreign_student = f.StudentFactory(division=foreign_division, last_name="Secret")

    users: dict[str, Any] = {"anonymous": None}

    def member(name, role, target=school, **extra):
        user = users.get(name) or f.UserFactory(username=name)
        users[name] = user
        return f.MembershipFactory(user=user, school=target, role=role, **extra)

    member("head", Role.HEAD)
    member("coordinator", Role.COORDINATOR)
    member("level_coordinator", Role.COORDINATOR).levels.set([other_level])
    member("teacher", Role.TEACHER)
    teacher = f.StaffFactory(school=school, user=users["teacher"], last_name="Prof")
    Teaching.objects.create(staff=teacher, division=division)
    member("tutor", Role.TUTOR)
    tutor = f.StaffFactory(school=school, user=users["tutor"], last_name="Tuteur")
    member("cpe", Role.TEACHER)
    f.StaffFactory(school=school, user=users["cpe"], last_name="Vie", function=Staff.Function.CPE)
    member("student", Role.STUDENT)
    student.user = users["student"]
    student.save()
    member("guardian", Role.GUARDIAN)
    guardian = f.GuardianFactory(school=school, user=users["guardian"])
    StudentGuardian.objects.create(student=student, guardian=guardian)
    member("academy", Role.ACADEMY)
    users["no_role"] = f.UserFactory(username="no_role")
    member("outsider", Role.HEAD, target=other_school)

    # Staff of the other branches: a teacher of 1B and a tutor in A, their like in B.
    other_teacher = f.StaffFactory(school=school, last_name="Collègue")
    Teaching.objects.create(staff=other_teacher, division=other_division)
    other_tutor = f.StaffFactory(school=school, last_name="Tutrice")
    foreign_teacher = f.StaffFactory(school=other_school, user=users["outsider"])
    Teaching.objects.create(staff=foreign_teacher, division=foreign_division)

    framework = diagnostics.framework_install_default(school=school)
    foreign_framework = diagnostics.framework_install_default(school=other_school)
    # A second framework in school A, the "other" one of the framework pages.
    alt_framework = Framework.objects.create(school=school, code="ALT", version="1", label="Autre")
    _, p2 = _periods(year)
    _, foreign_p2 = _periods(other_year)

    world = World(users=users)
    common = {"year": year, "period": p2, "framework": framework}
    _branch(world, "own", school=school, level=level, division=division, student=student,
            staff=teacher, tutor_staff=tutor, code="A", **common)  # fmt: skip
    _branch(world, "other", school=school, level=other_level, division=other_division,
            student=student_elsewhere, staff=other_teacher, tutor_staff=other_tutor, code="M",
            **common)  # fmt: skip
    _branch(world, "foreign", school=other_school, year=other_year, level=foreign_division.level,
            division=foreign_division, student=foreign_student, staff=foreign_teacher,
            tutor_staff=f.StaffFactory(school=other_school), period=foreign_p2,
            framework=foreign_framework, code="B")  # fmt: skip
    world.objects["framework"]["other"] = alt_framework
    # The school switcher: A is the own school, B the foreign one; there is no "other".
    del world.objects["school"]["other"]
    return world
