from django.db import migrations, models

from partners.collation import fold


def fill_search_names(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    rows = list(Organisation.objects.only("pk", "name"))
    for row in rows:
        row.search_name = fold(row.name)
    Organisation.objects.bulk_update(rows, ["search_name"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_user_history"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["search_name", "name"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="search_name",
            field=models.CharField(
                default="", editable=False, max_length=200, verbose_name="nom normalisé"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="search_name",
            field=models.CharField(
                default="", editable=False, max_length=200, verbose_name="nom normalisé"
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["search_name"], name="organisation_search_name"),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
    ]
