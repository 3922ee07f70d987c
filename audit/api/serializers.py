from rest_framework import serializers

from audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    """An audit row. Where the client came from (`ip_address`, `request_id`) is for those who read the whole
    audit log (context `network_details`, true unless said otherwise): a line manager opening a report's trail
    sees what changed and who changed it, not the addresses the report or HR staff signed in from."""

    NETWORK_FIELDS = ("ip_address", "request_id")

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if not self.context.get("network_details", True):
            row.update(dict.fromkeys(self.NETWORK_FIELDS))
        return row

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "actor_id", "actor_label", "target_type", "target_id", "target_label",
                  "changes", "reason", "ip_address", "request_id"]
        read_only_fields = fields
