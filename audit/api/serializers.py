from rest_framework import serializers

from audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "actor_id", "actor_label", "target_type", "target_id", "target_label",
                  "changes", "reason", "ip_address", "request_id"]
        read_only_fields = fields
