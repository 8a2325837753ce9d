"""Data migration: the comments already stored are written back in a random order.

They were inserted in the order people answered, like the participations, so a backup could
pair them (SQLite's rowid, PostgreSQL's physical order). Each survey's comments are deleted
and written back shuffled, under new random keys, and released (they were shown already).
"""

import secrets
import uuid

from django.db import migrations


def shuffle_comments(apps, schema_editor):
    Comment = apps.get_model("steering", "Comment")
    surveys = Comment.objects.values_list("question__survey_id", flat=True).distinct()
    for survey_id in list(surveys):
        comments = Comment.objects.filter(question__survey_id=survey_id)
        items = list(comments.values_list("question_id", "text"))
        comments.delete()
        secrets.SystemRandom().shuffle(items)
        Comment.objects.bulk_create(
            Comment(id=uuid.uuid4(), question_id=question_id, text=text, released=True)
            for question_id, text in items
        )


class Migration(migrations.Migration):
    dependencies = [("steering", "0004_survey_anonymity")]

    operations = [migrations.RunPython(shuffle_comments, migrations.RunPython.noop)]
