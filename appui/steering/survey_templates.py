"""Question sets that new surveys start from (seed 000: « enquêtes de satisfaction auprès des
élèves, des parents, des équipes mobilisées »). The questions are copied into the survey when
it is created, in French, and can then be edited while the survey is a draft."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCALE, TEXT = "scale", "text"


@dataclass(frozen=True)
class SurveyTemplate:
    """A survey's default title and its questions, each a kind (scale or text) and a text."""

    title: Promise
    questions: tuple[tuple[str, Promise], ...]


TEMPLATES: dict[str, SurveyTemplate] = {
    "students": SurveyTemplate(
        title=_("Your opinion on personalised support (AP)"),
        questions=(
            (SCALE, _("The AP modules helped me make progress.")),
            (SCALE, _("I knew the objective of each module I followed.")),
            (SCALE, _("The groups suited my needs.")),
            (SCALE, _("I feel more confident in my schooling since AP.")),
            (SCALE, _("AP helped me think about my project (job, further studies).")),
            (TEXT, _("What would you change in AP?")),
        ),
    ),
    "guardians": SurveyTemplate(
        title=_("Guardians' opinion on personalised support (AP)"),
        questions=(
            (SCALE, _("I was well informed about my child's AP (modules, objectives).")),
            (SCALE, _("AP helps my child make progress.")),
            (SCALE, _("The stage reviews I received were clear.")),
            (SCALE, _("My child is better guided in their orientation project.")),
            (TEXT, _("Your suggestions for AP.")),
        ),
    ),
    "staff": SurveyTemplate(
        title=_("Staff opinion on personalised support (AP)"),
        questions=(
            (SCALE, _("The diagnosis helped form relevant need groups.")),
            (SCALE, _("Regulation meetings are useful and frequent enough.")),
            (SCALE, _("The slots (barrettes) make AP easy to organise.")),
            (SCALE, _("I see students' progress in my ordinary lessons.")),
            (SCALE, _("I would like training on AP.")),
            (TEXT, _("What should the team improve next year?")),
        ),
    ),
}

#: The four-point agreement scale, from 1 to 4.
SCALE_LABELS = {
    1: _("strongly disagree"),
    2: _("rather disagree"),
    3: _("rather agree"),
    4: _("strongly agree"),
}
