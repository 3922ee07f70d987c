"""Every write to persons, one module per topic: persons, passwords, reset_tokens, sign_in, two_factor,
avatars, desktop_logins. Each service is a keyword-only function that takes the `acting_user`, runs in a
transaction, enforces the business rules, and sends side effects (emails) only once the transaction commits.
Import from the topic module (`from people.services.persons import person_create`)."""
