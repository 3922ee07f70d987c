from django.db import migrations


def create_default_organisation(apps, schema_editor):
    # One organisation row always exists (Zou names it "Kitsu"), so reads never have to create it.
    Organisation = apps.get_model("departments", "Organisation")
    if not Organisation.objects.exists():
        Organisation.objects.create(name="Kitsu")


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]

    operations = [migrations.RunPython(create_default_organisation, migrations.RunPython.noop)]
