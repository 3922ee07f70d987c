"""The audit log: who did what to whom, when, from where. Append-only: a database trigger refuses UPDATE and
DELETE (migration 0002), so neither a bug nor an admin can rewrite history.

It knows no other app: actor and target are kept by id and by a label taken when the row is written, so a row
still reads right after the person it names was renamed or deleted."""

from django.db import models


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=60, db_index=True)
    # None: the system itself (a periodic task, a command run without a person).
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=300, blank=True, default="")
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64, db_index=True)
    target_label = models.CharField(max_length=300, blank=True, default="")
    # {field: [before, after]}; a secret's values are replaced by audit.services.REDACTED.
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_newest_first")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'}: {self.action} {self.target_label}"
