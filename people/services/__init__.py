"""Every write to persons, one module per topic: persons, passwords, reset_tokens, sign_in, two_factor,
avatars, desktop_logins. Each service is a keyword-only function that takes the `acting_user`, runs in a
transaction, enforces the business rules, and sends side effects (emails) only once the transaction commits.
Import from the topic module (`from people.services.persons import person_create`)."""

# Re-exports for the three callers still written against the old single module: people/api/views.py,
# people/admin.py and people/backends.py. They go once those callers import from the topic modules; add
# nothing here.
from people.services.avatars import avatar_path, person_clear_avatar, person_set_avatar
from people.services.desktop_logins import desktop_login_log_create
from people.services.passwords import (
    password_reset_complete,
    password_reset_request,
    person_change_own_password,
    person_invite,
    person_reset_password_link,
    person_set_password,
)
from people.services.persons import (
    person_add_department,
    person_create,
    person_delete,
    person_remove_department,
    person_update,
)
from people.services.sign_in import LoginRefused, auth_login, auth_sign_in
from people.services.two_factor import person_disable_two_factor

__all__ = [
    "LoginRefused", "auth_login", "auth_sign_in", "avatar_path", "desktop_login_log_create",
    "password_reset_complete", "password_reset_request", "person_add_department", "person_change_own_password",
    "person_clear_avatar", "person_create", "person_delete", "person_disable_two_factor", "person_invite",
    "person_remove_department", "person_reset_password_link", "person_set_avatar", "person_set_password",
    "person_update",
]
