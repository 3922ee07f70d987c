"""factory_boy factories. Persons are made through `person_create`, so a factory person went through the
same normalisation, status and user-limit rules as one made through the API or the admin.

One factory per role reads better at the call site than a role argument (`AdminFactory(email=...)`); the
role fixtures in `tests/conftest.py` are these factories called with Zou's fixture names."""

import factory

from people.models import Person, Role
from people.services.persons import person_create

# Strong enough for the password validators, which `person_create` runs.
PASSWORD = "mypassword-Str0ng"


class PersonFactory(factory.Factory):
    """An active artist (role `user`) with a password, named `Person<n> Doe`, email `person<n>@studio.io`."""

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


class AdminFactory(PersonFactory):
    role = Role.ADMIN


class ManagerFactory(PersonFactory):
    role = Role.MANAGER


class SupervisorFactory(PersonFactory):
    role = Role.SUPERVISOR


class ClientFactory(PersonFactory):
    role = Role.CLIENT


class VendorFactory(PersonFactory):
    role = Role.VENDOR


class HrFactory(PersonFactory):
    role = Role.HR


class BotFactory(PersonFactory):
    bot = True
