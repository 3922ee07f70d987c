"""The Django admin, HR's back office: every catalog's list page renders, and the person form's status
select is enough on its own to suspend someone. The person pages' other tests are in
people/test_admin_and_commands.py."""

from django.test import Client

from people.models import AuthToken, PersonStatus
from people.tokens import tokens_issue_login_pair
from tests.people.test_admin_and_commands import person_form


def test_admin_pages_of_catalogs_render(admin):
    hr = Client()
    hr.force_login(admin)
    for path in ("/admin/notifications/outboxemail/", "/admin/departments/software/",
                 "/admin/departments/salaryscale/", "/admin/people/desktoploginlog/"):
        assert hr.get(path).status_code == 200, path


def test_choosing_suspended_alone_deactivates_and_signs_out(admin, user):
    tokens_issue_login_pair(person=user)
    hr = Client()
    hr.force_login(admin)
    form = person_form(email=user.email, first_name=user.first_name, last_name=user.last_name,
                       desktop_login="john.doe", status="suspended")  # "active" stays ticked
    response = hr.post(f"/admin/people/person/{user.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    user.refresh_from_db()
    assert (user.status, user.active) == (PersonStatus.SUSPENDED, False)
    assert not AuthToken.objects.filter(person=user, revoked_at__isnull=True).exists()
