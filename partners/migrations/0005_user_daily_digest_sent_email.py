import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

DIGEST_HELP = (
    "Un seul courriel chaque matin, au lieu d'un courriel à chaque suivi transmis ou renvoyé "
    "pour complément."
)


class Migration(migrations.Migration):
    # After 0005, written at the same time by another change: one line of migrations.
    dependencies = [
        ("partners", "0004_organisation_search_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaluser",
            name="daily_digest",
            field=models.BooleanField(
                default=False, help_text=DIGEST_HELP, verbose_name="résumé quotidien"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="daily_digest",
            field=models.BooleanField(
                default=False, help_text=DIGEST_HELP, verbose_name="résumé quotidien"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalSentEmail",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, verbose_name="objet signalé")),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="envoyé le"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="destinataire",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical courriel envoyé",
                "verbose_name_plural": "historical courriels envoyés",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SentEmail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, verbose_name="objet signalé")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="envoyé le")),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sent_emails",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="destinataire",
                    ),
                ),
            ],
            options={
                "verbose_name": "courriel envoyé",
                "verbose_name_plural": "courriels envoyés",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("recipient", "key"),
                        name="unique_sent_email",
                        violation_error_message="Ce courriel a déjà été envoyé à cette personne.",
                    )
                ],
            },
        ),
    ]
