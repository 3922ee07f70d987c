"""A person's own profile (seed 003, PATCH /data/user/profile): their names and phone, nothing else."""

from typing import Any

from config.errors import field_error
from people.models import Person
from people.services.persons import PersonWriteResult, person_update

# The columns' lengths: a longer value is a 400 naming the key, not a database error.
PROFILE_FIELDS = {"first_name": 80, "last_name": 80, "phone": 30}


def person_update_own_profile(*, acting_user: Person, body: dict[str, Any]) -> PersonWriteResult:
    """Through person_update, so with its rules: names trimmed, an empty first name refused, one audit row,
    and nothing written when nothing changes."""
    unknown = sorted(set(body) - set(PROFILE_FIELDS))
    if unknown:
        raise field_error(unknown[0], f"Unknown field: {unknown[0]}. Only {', '.join(PROFILE_FIELDS)} may be "
                                      "changed here.")
    for field, max_length in PROFILE_FIELDS.items():
        if field not in body:
            continue
        value = body[field]
        if value is None and field == "phone":
            continue  # no phone: stored as "", as Zou does
        if not isinstance(value, str):
            raise field_error(field, f"{field} must be a string.")
        if len(value.strip()) > max_length:
            raise field_error(field, f"{field} must be at most {max_length} characters.")
    return person_update(acting_user=acting_user, person=acting_user, data=dict(body))
