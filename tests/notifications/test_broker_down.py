"""With the broker down, a request that sends an email answers as usual once its change is committed: the
outbox row stays pending (for the sweep) and the failure is logged, never a 500, never a different answer."""

import logging

import pytest

from config.celery import app as celery_app
from notifications.models import DeliveryStatus, OutboxEmail
from people.models import PasswordResetRequest, Person
from people.services.passwords import password_reset_request_handle
from tests.conftest import PASSWORD
from tests.ports import unused_loopback_port

NEW_PASSWORD = "An0ther-Str0ng-secret"




@pytest.fixture
def broker_down(settings):
    """Tasks go to a Redis broker that does not answer (a closed loopback port), not run in-process."""
    saved = celery_app.conf.broker_url
    celery_app.conf.update(broker_url=f"redis://127.0.0.1:{unused_loopback_port()}/0")
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.update(broker_url=saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_reset_password_answers_alike_for_known_and_unknown_emails(broker_down, user, anon_api, caplog):
    # The request only records the ask (the same work for any address); its task looks the address up.
    caplog.set_level(logging.WARNING, logger="people.services.passwords")
    known = anon_api.post("/api/auth/reset-password", {"email": user.email}, format="json")
    unknown = anon_api.post("/api/auth/reset-password", {"email": "nobody@example.com"}, format="json")
    assert (known.status_code, known.json()) == (200, {"success": "Reset token sent"})
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    pending = list(PasswordResetRequest.objects.order_by("pk"))
    assert [asked.email for asked in pending] == [user.email, "nobody@example.com"]
    assert all(f"Password reset request {asked.pk} stays pending" in caplog.text for asked in pending)
    # Once the broker is back, the sweep's task hands them over: a link for the known address only.
    for asked in pending:
        password_reset_request_handle(request_id=asked.pk)
    assert list(OutboxEmail.objects.values_list("to", "kind")) == [(user.email, "password_reset")]
    assert not PasswordResetRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_password_change_answers_200(broker_down, user, user_api):
    response = user_api.post("/api/auth/change-password", {
        "old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": NEW_PASSWORD}, format="json")
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert Person.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert OutboxEmail.objects.get(to=user.email, kind="password_changed").status == DeliveryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_an_invitation_answers_as_usual(broker_down, admin_api, user):
    response = admin_api.get(f"/api/actions/persons/{user.pk}/invite")
    assert (response.status_code, response.json()) == (200, {"success": True, "message": "Email sent"})
    assert OutboxEmail.objects.get(to=user.email, kind="invitation").status == DeliveryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_refused_broker_is_tried_once_not_again_after_a_pause(broker_down, monkeypatch):
    """kombu's default is to wait 2 s and connect again before giving up: 2 s added to every request that
    sends an email while Redis is down (measured before max_retries 0)."""
    from kombu.utils import functional

    from notifications.services import email_queue_delivery

    pauses = []
    monkeypatch.setattr(functional, "sleep", pauses.append)
    assert email_queue_delivery(email_id="4b3ea1bb-4a8c-4b8e-9d37-6f1f0d2d5c11") is False
    assert pauses == []
