"""factory_boy factories. Persons are made through `person_create`, so a factory person went through the
same normalisation, status and user-limit rules as one made through the API or the admin."""

import factory

from people.models import Person, Role
from people.services.persons import person_create
from tests.conftest import PASSWORD


class PersonFactory(factory.Factory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Doe"
    email = factory.LazyAttribute(lambda person: f"{person.first_name.lower()}@studio.io")
    role = Role.USER
    password = PASSWORD

    class Params:
        # A bot has no email or password of its own; it signs in with its API token.
        bot = factory.Trait(is_bot=True, email=None, password=None)

    @classmethod
    def _create(cls, model_class, **data):
        return person_create(acting_user=None, data=data).person
