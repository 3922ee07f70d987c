from django.contrib.auth.backends import BaseBackend

from people.models import Person


class PersonBackend(BaseBackend):
    """Session sign-in for the admin site, with the API's rules (lockout, inactive accounts, email or
    desktop login)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from people.services.sign_in import LoginRefused, auth_login
        from people.throttles import session_sign_in_allowed

        identifier = username or kwargs.get("email")
        if not identifier or password is None:
            return None
        if not session_sign_in_allowed(request, identifier):
            return None  # the form says the credentials are wrong, as it does for the lockout
        try:
            return auth_login(identifier=identifier, password=password)
        except LoginRefused:
            return None

    def get_user(self, user_id):
        person = Person.objects.filter(pk=user_id).first()
        return person if person is not None and person.active else None
