"""Values are normalised in one place, the persons service, whoever writes (API, admin, commands)."""

import pytest

from people.services.persons import person_create, person_update


@pytest.mark.django_db
def test_absent_identifiers_are_stored_as_zou_stores_them(admin):
    person = person_create(acting_user=admin, data={
        "first_name": "  Ana ", "last_name": " Lee ", "phone": None, "desktop_login": None, "username": "",
        "ldap_uid": "", "email": " Ana.Lee@Example.COM ", "country": "fr",
    }).person
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone, person.desktop_login) == ("Ana", "Lee", "", "")
    assert person.username is None and person.ldap_uid is None
    assert person.country == "FR"


@pytest.mark.django_db
def test_an_update_normalises_the_same_way(admin, user):
    person_update(acting_user=admin, person=user, data={"username": "", "phone": None, "desktop_login": " jd "})
    user.refresh_from_db()
    assert user.username is None and user.phone == "" and user.desktop_login == "jd"
