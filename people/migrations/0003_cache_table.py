"""The table of the database cache (settings.CACHES when REDIS_URL is unset), made by Django's
`createcachetable`: throttle counts and sign-in failures must be shared by every process, and a migration
creates the table wherever Roster is migrated (`make run`, the tests, production) with no extra step."""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "roster_cache"  # settings.CACHES["default"]["LOCATION"] without REDIS_URL


def create_cache_table(apps, schema_editor):
    # Named explicitly, so the table exists even when this migration runs with Redis as the cache.
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_unique_desktop_login")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
