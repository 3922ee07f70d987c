"""Receivers of the domain signals of the apps below: each one calls a service, and holds no rule itself."""

from timetracking.services import person_time_data_delete


def remove_time_data_of_deleted_person(sender, *, person, acting_user, **kwargs) -> None:
    person_time_data_delete(acting_user=acting_user, person=person)
