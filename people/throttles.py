"""The throttles of the sign-in, password and invitation routes; their rates are named by scope in
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].

Per identifier first, counted the same whether the identifier belongs to anyone or not (a throttle that only
counted known addresses would tell which exist); per client address only generously. The sign-in lockout
(people.services.sign_in) answers before the login throttle: its limit is the higher one."""

import uuid

from config.api import request_dict
from config.errors import ApplicationError
from config.throttles import ClientAddressThrottle, FixedWindowThrottle, normalised_identifier


def _body_field(request, name: str, *, query_string_fallback: bool = False) -> str | None:
    """A field of the body, read as the view will read it; None when the body is no object (the view then
    answers that error itself). A body that does not parse raises here as it would in the view."""
    try:
        data = request_dict(request, required=False, query_string_fallback=query_string_fallback)
    except ApplicationError:
        return None
    return normalised_identifier(data.get(name))


class LoginIdentifierThrottle(FixedWindowThrottle):
    """Sign-in attempts per email or desktop login (the `email` field), known or not."""

    scope = "login_identifier"

    def throttle_ident(self, request, view):
        return _body_field(request, "email", query_string_fallback=True)


class LoginAddressThrottle(ClientAddressThrottle):
    scope = "login_address"


class ResetPasswordEmailThrottle(FixedWindowThrottle):
    """Reset links asked for one address: a few an hour, whether the address exists or not."""

    scope = "reset_password_email"

    def throttle_ident(self, request, view):
        return _body_field(request, "email")


class ResetPasswordAddressThrottle(ClientAddressThrottle):
    scope = "reset_password_address"


class ChangePasswordPersonThrottle(FixedWindowThrottle):
    """Own password changes per person (each wrong old password also counts toward the lockout)."""

    scope = "change_password_person"

    def throttle_ident(self, request, view):
        return str(request.user.pk) if request.user and request.user.is_authenticated else None


class InvitePersonThrottle(FixedWindowThrottle):
    """Invitations (and re-sent ones) per invited person, whoever sends them. Permissions are checked first,
    so only those allowed to invite spend the budget."""

    scope = "invite_person"

    def throttle_ident(self, request, view):
        raw = str(view.kwargs.get("person_id", ""))
        try:
            raw = str(uuid.UUID(raw))  # one spelling per person: `{...}`, `urn:uuid:` and bare hex are the same id
        except ValueError:
            pass
        return normalised_identifier(raw)


class OtpIdentifierThrottle(FixedWindowThrottle):
    """For the one-time-code routes (zou-api.md 1.3: /auth/totp, /auth/email-otp, ...) once they are served:
    per signed-in person, else per the `email` the code is asked for."""

    scope = "otp_identifier"

    def throttle_ident(self, request, view):
        if request.user and request.user.is_authenticated:
            return f"person:{request.user.pk}"
        email = request.query_params.get("email") or _body_field(request, "email")
        return normalised_identifier(email)


def session_sign_in_allowed(request, identifier) -> bool:
    """The admin's sign-in form (people.backends.PersonBackend) counts in the login throttles too, so that it
    is no way around them; both counts are taken, as for an API request. `request` may be None (a call to
    `authenticate()` without one): then only the identifier is counted."""
    by_address, by_identifier = LoginAddressThrottle(), LoginIdentifierThrottle()
    allowed = [by_identifier.allow_ident(normalised_identifier(identifier))]
    if request is not None:
        allowed.append(by_address.allow_ident(by_address.get_ident(request) or None))
    return all(allowed)
