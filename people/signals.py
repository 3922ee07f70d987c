"""Domain signals people emits for the apps above it, which people never imports (STYLE.md)."""

from django.dispatch import Signal

# Sent by `person_delete(force=True)` inside its transaction, before the person row is deleted: receivers
# remove what they hold of the person (time spent, day-offs, assignments, ...). A receiver that raises
# undoes the whole delete. Arguments: `person`, `acting_user`.
person_force_deleting = Signal()
