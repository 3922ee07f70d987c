"""The record of every sync run (imported by people.models, so they belong to the people app): when, what
it read, what it planned and did to whom, and why it stopped. Never the bind password."""

from django.db import models
from django.utils import timezone


class SyncTrigger(models.TextChoices):
    COMMAND = "command", "Command"
    BEAT = "beat", "Schedule"


class SyncStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DRY_RUN = "dry_run", "Dry run"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"
    APPLIED = "applied", "Applied"
    APPLIED_WITH_ERRORS = "applied_with_errors", "Applied with errors"
    FAILED = "failed", "Failed"


class SyncRun(models.Model):
    id = models.BigAutoField(primary_key=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=20, choices=SyncTrigger.choices, default=SyncTrigger.COMMAND)
    dry_run = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    # Why it stopped (refusal, failure, cancellation), or a one-line summary.
    message = models.TextField(blank=True, default="")
    entries_read = models.IntegerField(default=0)
    # {action kind: how many were planned}; the outcome of each is on its SyncRunAction.
    counts = models.JSONField(default=dict, blank=True)
    # Directory errors, skipped entries and actions that failed, as lines.
    errors = models.JSONField(default=list, blank=True)
    # The settings it ran with (people.ldap.config.LdapConfig.describe: no password).
    directory = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "LDAP sync run"

    def __str__(self):
        return f"LDAP sync run {self.pk}"

    @property
    def audit_request_id(self) -> str:
        """The request id of the audit rows this run wrote (audit.context.system_run_origin)."""
        return f"ldap-sync-{self.pk}"


class SyncOutcome(models.TextChoices):
    PLANNED = "planned", "Planned (not applied)"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    REPORTED = "reported", "Reported"  # a conflict: nothing to apply


class SyncRunAction(models.Model):
    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="actions")
    # Persons are never deleted by a sync; if an admin deletes one later, the row still names them.
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    action = models.CharField(max_length=20)
    login = models.CharField(max_length=255, blank=True, default="")
    label = models.CharField(max_length=300, blank=True, default="")
    ldap_uid = models.CharField(max_length=60, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=20, choices=SyncOutcome.choices, default=SyncOutcome.PLANNED)
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.action} {self.login}"
