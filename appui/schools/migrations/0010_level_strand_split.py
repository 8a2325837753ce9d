import decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0009_academy_membership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="level",
            name="consolidation_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=6,
                null=True,
                validators=[django.core.validators.MinValueValidator(decimal.Decimal("0"))],
                verbose_name="consolidation hours",
            ),
        ),
        migrations.AddField(
            model_name="level",
            name="personalised_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=6,
                null=True,
                validators=[django.core.validators.MinValueValidator(decimal.Decimal("0"))],
                verbose_name="personalised support hours",
            ),
        ),
        migrations.AddField(
            model_name="level",
            name="orientation_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=6,
                null=True,
                validators=[django.core.validators.MinValueValidator(decimal.Decimal("0"))],
                verbose_name="orientation hours",
            ),
        ),
        migrations.AddField(
            model_name="level",
            name="group_by_parcours",
            field=models.BooleanField(
                default=False, verbose_name="group pupils by their terminale parcours"
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="parcours",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not chosen yet"),
                    ("insertion", "preparing for professional insertion"),
                    ("further_studies", "preparing for further studies"),
                ],
                default="",
                max_length=20,
                verbose_name="terminale parcours",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="parcours_set_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="parcours set at"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="parcours_set_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
