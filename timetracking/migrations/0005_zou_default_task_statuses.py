"""Zou's `init-data` task statuses (Todo, the default, and Ready, WIP, WFA, Retake, Done), created when missing so
that a fresh Roster answers gazu.task.get_default_task_status() and gazu.task.new_task works without a status.
A short name already taken is left as it is; Todo becomes the default only if no status is."""

from django.db import migrations

from timetracking.task_statuses import ZOU_DEFAULT_TASK_STATUSES


def create_default_task_statuses(apps, schema_editor):
    TaskStatus = apps.get_model("timetracking", "TaskStatus")
    taken = set(TaskStatus.objects.values_list("short_name", flat=True))
    has_default = TaskStatus.objects.filter(is_default=True).exists()
    for short_name, fields in ZOU_DEFAULT_TASK_STATUSES.items():
        if short_name in taken:
            continue
        fields = dict(fields)
        if fields.get("is_default") and has_default:
            fields["is_default"] = False
        TaskStatus.objects.create(short_name=short_name, **fields)


class Migration(migrations.Migration):

    dependencies = [
        ("timetracking", "0004_time_spent_person_totals"),
    ]

    operations = [
        migrations.RunPython(create_default_task_statuses, migrations.RunPython.noop),
    ]
