"""Question sets that new surveys start from (seed 000: « enquêtes de satisfaction auprès des
élèves, des parents, des équipes mobilisées »), one per audience.

A question created from this catalogue keeps its **key** (``students.progress``…) and is
shown through the catalogue, in the reader's language, whatever the language it was created
in; only the questions a coordinator types keep their typed text. So a key is never reused
for another question, and a reworded question keeps its key. Each question has a type: a
four-point agreement scale (the only type counted in « % de satisfaits »), yes/no, or free
text; and it belongs to one audience, the only people it is shown to.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCALE, YES_NO, TEXT = "scale", "yesno", "text"
#: Audiences, as stored in ``Question.audience`` and ``Participation.audience``.
STUDENT, GUARDIAN, STAFF = "student", "guardian", "staff"


@dataclass(frozen=True)
class TemplateQuestion:
    """One question of the catalogue: a stable key, a type and its (translatable) text."""

    key: str
    kind: str
    text: Promise


@dataclass(frozen=True)
class SurveyTemplate:
    """A survey's default title and the questions for one audience."""

    audience: str
    title: Promise
    questions: tuple[TemplateQuestion, ...]


TEMPLATES: dict[str, SurveyTemplate] = {
    "students": SurveyTemplate(
        audience=STUDENT,
        title=_("Your opinion on personalised support (AP)"),
        questions=(
            TemplateQuestion(
                "students.progress", SCALE, _("The AP modules helped me make progress.")
            ),
            TemplateQuestion(
                "students.objectives", SCALE, _("I knew the objective of each module I followed.")
            ),
            TemplateQuestion("students.groups", SCALE, _("The groups suited my needs.")),
            TemplateQuestion(
                "students.confidence", SCALE, _("I feel more confident in my schooling since AP.")
            ),
            TemplateQuestion(
                "students.project",
                SCALE,
                _("AP helped me think about my project (job, further studies)."),
            ),
            TemplateQuestion("students.change", TEXT, _("What would you change in AP?")),
        ),
    ),
    "guardians": SurveyTemplate(
        audience=GUARDIAN,
        title=_("Guardians' opinion on personalised support (AP)"),
        questions=(
            TemplateQuestion(
                "guardians.informed",
                SCALE,
                _("I was well informed about my child's AP (modules, objectives)."),
            ),
            TemplateQuestion("guardians.progress", SCALE, _("AP helps my child make progress.")),
            TemplateQuestion(
                "guardians.reviews", SCALE, _("The stage reviews I received were clear.")
            ),
            TemplateQuestion(
                "guardians.orientation",
                SCALE,
                _("My child is better guided in their orientation project."),
            ),
            TemplateQuestion("guardians.suggestions", TEXT, _("Your suggestions for AP.")),
        ),
    ),
    "staff": SurveyTemplate(
        audience=STAFF,
        title=_("Staff opinion on personalised support (AP)"),
        questions=(
            TemplateQuestion(
                "staff.diagnosis", SCALE, _("The diagnosis helped form relevant need groups.")
            ),
            TemplateQuestion(
                "staff.regulation", SCALE, _("Regulation meetings are useful and frequent enough.")
            ),
            TemplateQuestion(
                "staff.slots", SCALE, _("The slots (barrettes) make AP easy to organise.")
            ),
            TemplateQuestion(
                "staff.progress", SCALE, _("I see students' progress in my ordinary lessons.")
            ),
            # A wish, not an opinion on AP: counted as yes/no, never in « % de satisfaits ».
            TemplateQuestion("staff.training", YES_NO, _("Would you like training on AP?")),
            TemplateQuestion("staff.improve", TEXT, _("What should the team improve next year?")),
        ),
    ),
}

#: The template of each audience.
TEMPLATE_OF: dict[str, str] = {template.audience: key for key, template in TEMPLATES.items()}

#: Every catalogue question by key.
QUESTIONS: dict[str, TemplateQuestion] = {
    question.key: question for template in TEMPLATES.values() for question in template.questions
}

#: The four-point agreement scale, from 1 to 4.
SCALE_LABELS = {
    1: _("strongly disagree"),
    2: _("rather disagree"),
    3: _("rather agree"),
    4: _("strongly agree"),
}

#: The values a yes/no answer is counted under (``ScaleCount.value``).
YES, NO = 1, 2
YES_NO_LABELS = {YES: _("yes"), NO: _("no")}
