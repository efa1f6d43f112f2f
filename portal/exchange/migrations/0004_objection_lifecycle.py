"""Objections get a lifecycle: a reference number, received → under review → answered, a
working-day deadline, escalation to the auditors, and notices to the person.

Existing objections: "open" becomes "received", each gets a reference (by year of filing, in
filing order) and a deadline counted from its filing day.
"""

import datetime as dt

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from portal.services.workdays import add_working_days


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    objection_model = apps.get_model("exchange", "Objection")
    sequence_model = apps.get_model("exchange", "ObjectionSequence")
    counters: dict[int, int] = {}
    for objection in objection_model.objects.order_by("created_at", "pk"):
        filed: dt.date = timezone.localdate(objection.created_at)
        counters[filed.year] = counters.get(filed.year, 0) + 1
        objection.reference = f"YY-{filed.year}-{counters[filed.year]:06d}"
        objection.due_on = add_working_days(filed, settings.EXCHANGE_OBJECTION_DAYS)
        if objection.status == "open":
            objection.status = "received"
        objection.save(update_fields=["reference", "due_on", "status"])
    for year, last in counters.items():
        sequence_model.objects.update_or_create(year=year, defaults={"last_value": last})


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    objection_model = apps.get_model("exchange", "Objection")
    objection_model.objects.exclude(status="answered").update(status="open")


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_english_content"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ObjectionSequence",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last_value", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "objection reference sequence",
                "verbose_name_plural": "objection reference sequences",
            },
        ),
        migrations.AddField(
            model_name="objection",
            name="reference",
            field=models.CharField(max_length=20, null=True, verbose_name="reference number"),
        ),
        migrations.AddField(
            model_name="objection",
            name="due_on",
            field=models.DateField(null=True, verbose_name="answer due by"),
        ),
        migrations.AddField(
            model_name="objection",
            name="review_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="review started"),
        ),
        migrations.AddField(
            model_name="objection",
            name="review_started_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="escalated_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="escalated to the auditors"
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="answered_by_auditor",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="objection",
            name="status",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("under_review", "Under review"),
                    ("answered", "Answered"),
                ],
                default="received",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="objection",
            name="reference",
            field=models.CharField(max_length=20, unique=True, verbose_name="reference number"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="due_on",
            field=models.DateField(verbose_name="answer due by"),
        ),
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(fields=["status", "due_on"], name="objection_open_due"),
        ),
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(fields=["raised_by", "-created_at"], name="objection_raised_by"),
        ),
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(fields=["firm", "-created_at"], name="objection_firm"),
        ),
        migrations.CreateModel(
            name="ObjectionNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("received", "Your objection was received"),
                            ("under_review", "The department is reviewing your objection"),
                            (
                                "escalated",
                                "The deadline passed: your objection went to the auditors",
                            ),
                            ("answered", "Your objection was answered"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("emailed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "objection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="exchange.objection",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="objection_notices",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "objection notice",
                "verbose_name_plural": "objection notices",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["recipient", "-created_at"], name="objection_notice_recipient"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("objection", "recipient", "kind"),
                        name="one_objection_notice_per_change",
                    )
                ],
            },
        ),
    ]
