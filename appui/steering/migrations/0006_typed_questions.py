"""Typed survey questions: each has a type (scale, yes/no, free text), an audience, and the
key of the catalogue question it was created from; a survey's title may be left empty (the
template's, translated when shown). The existing rows are filled in by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("steering", "0005_survey_comments_shuffled")]

    operations = [
        migrations.RenameField(model_name="survey", old_name="title", new_name="custom_title"),
        migrations.AlterField(
            model_name="survey",
            name="custom_title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="question",
            name="kind",
            field=models.CharField(
                choices=[
                    ("scale", "four-point agreement scale"),
                    ("yesno", "yes or no"),
                    ("text", "free comment"),
                ],
                default="scale",
                max_length=5,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="audience",
            field=models.CharField(
                choices=[("student", "student"), ("guardian", "guardian"), ("staff", "staff")],
                default="",
                max_length=8,
                verbose_name="asked to",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="question",
            name="template_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=40),
            preserve_default=False,
        ),
    ]
