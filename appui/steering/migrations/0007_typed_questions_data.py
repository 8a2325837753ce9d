"""Data migration for typed questions: each existing question gets its catalogue key, type
and audience when its text is a catalogue question's (in English or in French, as it was
copied then), else stays a scale question for the survey's first audience. Titles copied
from a template are emptied, so that the template's title is shown, translated.

The catalogue is frozen here as it stood: later rewordings must not change what this
migration did. "I would like training on AP." became a yes/no question; its answers are
carried over (agree → yes, disagree → no), so it leaves « % de satisfaits ».
"""

from django.db import migrations
from django.db.models import Sum

# key, kind, audience, English text, French text
CATALOGUE = [
    ("students.progress", "scale", "student", "The AP modules helped me make progress.",
     "Les modules d'AP m'ont aidé(e) à progresser."),
    ("students.objectives", "scale", "student", "I knew the objective of each module I followed.",
     "Je connaissais l'objectif de chaque module suivi."),
    ("students.groups", "scale", "student", "The groups suited my needs.",
     "Les groupes correspondaient à mes besoins."),
    ("students.confidence", "scale", "student", "I feel more confident in my schooling since AP.",
     "Je me sens plus en confiance dans ma scolarité depuis l'AP."),
    ("students.project", "scale", "student",
     "AP helped me think about my project (job, further studies).",
     "L'AP m'a aidé(e) à réfléchir à mon projet (métier, poursuite d'études)."),
    ("students.change", "text", "student", "What would you change in AP?",
     "Que changeriez-vous dans l'AP ?"),
    ("guardians.informed", "scale", "guardian",
     "I was well informed about my child's AP (modules, objectives).",
     "J'ai été bien informé(e) de l'AP de mon enfant (modules, objectifs)."),
    ("guardians.progress", "scale", "guardian", "AP helps my child make progress.",
     "L'AP aide mon enfant à progresser."),
    ("guardians.reviews", "scale", "guardian", "The stage reviews I received were clear.",
     "Les bilans d'étape reçus étaient clairs."),
    ("guardians.orientation", "scale", "guardian",
     "My child is better guided in their orientation project.",
     "Mon enfant est mieux accompagné dans son projet d'orientation."),
    ("guardians.suggestions", "text", "guardian", "Your suggestions for AP.",
     "Vos suggestions pour l'AP."),
    ("staff.diagnosis", "scale", "staff", "The diagnosis helped form relevant need groups.",
     "Le diagnostic a permis de former des groupes de besoins pertinents."),
    ("staff.regulation", "scale", "staff", "Regulation meetings are useful and frequent enough.",
     "Les réunions de régulation sont utiles et assez fréquentes."),
    ("staff.slots", "scale", "staff", "The slots (barrettes) make AP easy to organise.",
     "Les barrettes facilitent l'organisation de l'AP."),
    ("staff.progress", "scale", "staff", "I see students' progress in my ordinary lessons.",
     "Je constate les progrès des élèves dans mes cours."),
    ("staff.training", "yesno", "staff", "I would like training on AP.",
     "Je souhaiterais une formation sur l'AP."),
    ("staff.improve", "text", "staff", "What should the team improve next year?",
     "Que l'équipe devrait-elle améliorer l'an prochain ?"),
]

TITLES = {
    "Your opinion on personalised support (AP)",
    "Votre avis sur l'accompagnement personnalisé (AP)",
    "Guardians' opinion on personalised support (AP)",
    "L'avis des familles sur l'accompagnement personnalisé (AP)",
    "Staff opinion on personalised support (AP)",
    "L'avis des équipes sur l'accompagnement personnalisé (AP)",
}

YES, NO = 1, 2


def _audiences(survey) -> list[str]:
    chosen = [
        (survey.for_students, "student"),
        (survey.for_guardians, "guardian"),
        (survey.for_staff, "staff"),
    ]
    return [audience for wanted, audience in chosen if wanted]


def _to_yes_no(ScaleCount, question) -> None:
    """Agree (3, 4) counts as yes, disagree (1, 2) as no."""
    counts = ScaleCount.objects.filter(question=question)
    if not counts.exists():
        return
    yes = counts.filter(value__in=[3, 4]).aggregate(n=Sum("count"))["n"] or 0
    no = counts.filter(value__in=[1, 2]).aggregate(n=Sum("count"))["n"] or 0
    counts.delete()
    ScaleCount.objects.bulk_create(
        [
            ScaleCount(question=question, value=YES, count=yes),
            ScaleCount(question=question, value=NO, count=no),
        ]
    )


def type_questions(apps, schema_editor):
    Survey = apps.get_model("steering", "Survey")
    Question = apps.get_model("steering", "Question")
    ScaleCount = apps.get_model("steering", "ScaleCount")
    by_text = {}
    for key, kind, audience, english, french in CATALOGUE:
        by_text[english] = by_text[french] = (key, kind, audience)
    Survey.objects.filter(custom_title__in=TITLES).update(custom_title="")
    for survey in Survey.objects.all():
        audiences = _audiences(survey) or ["staff"]
        for question in Question.objects.filter(survey=survey):
            match = by_text.get(question.text.strip())
            if match and match[2] in audiences:
                key, kind, audience = match
                english = next(row[3] for row in CATALOGUE if row[0] == key)
                if kind == "yesno" and question.kind == "scale":
                    _to_yes_no(ScaleCount, question)
                question.template_key, question.audience, question.text = key, audience, english
                question.kind = kind
            else:
                # Typed, or a catalogue question of an audience the survey is not for: kept as
                # typed, for the survey's first audience (its type unchanged).
                question.audience = audiences[0]
            question.save(update_fields=["template_key", "audience", "text", "kind"])


class Migration(migrations.Migration):
    dependencies = [("steering", "0006_typed_questions")]

    operations = [migrations.RunPython(type_questions, migrations.RunPython.noop)]
