"""`manage.py sync_ldap` against a real slapd (tests/ldap/conftest.py): what it creates, updates, deactivates
and reactivates, what it refuses, and what it records."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from departments.models import Department
from people.ldap.models import SyncOutcome, SyncRun, SyncStatus, SyncTrigger
from people.models import AuthenticationMethod, AuthToken, Person, PersonDepartment, PersonStatus
from people.services import lifecycle
from people.tokens import tokens_issue_login_pair
from tests.factories import AdminFactory, PersonFactory
from tests.ldap.conftest import ADMIN_PASSWORD, PEOPLE_DN, SUFFIX

pytestmark = pytest.mark.django_db(transaction=False)

LOGINS = ["ada", "alan", "grace", "linus", "margaret"]


def sync(*args: str) -> str:
    out = io.StringIO()
    call_command("sync_ldap", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def sync_refused(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        sync(*args)
    return str(refused.value)


def ldap_persons() -> dict[str, Person]:
    return {p.desktop_login: p for p in Person.objects.filter(is_generated_from_ldap=True)}


def test_the_first_sync_creates_every_entry(directory):
    out = sync("--yes")

    persons = ldap_persons()
    assert sorted(persons) == LOGINS
    ada = persons["ada"]
    assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Lovelace", "ada@roster-studio.io")
    assert ada.ldap_uid == directory.entry_uuid(f"uid=ada,{PEOPLE_DN}")
    assert ada.authentication_method == AuthenticationMethod.LDAP
    assert ada.status == PersonStatus.ACTIVE and ada.active
    assert not ada.has_usable_password()
    # An entry without mail gets <login>@LDAP_EMAIL_DOMAIN.
    assert persons["grace"].email == "grace@mail.roster-studio.io"
    assert "create" in out and "margaret" in out and "LDAP sync run" in out

    run = SyncRun.objects.get()
    assert run.status == SyncStatus.APPLIED and run.trigger == SyncTrigger.COMMAND
    assert run.counts["create"] == 5 and run.entries_read == 5
    assert sorted(run.actions.values_list("login", "outcome")) == [(login, SyncOutcome.DONE) for login in LOGINS]
    assert run.actions.get(login="ada").person_id == ada.pk
    created = AuditEntry.objects.get(action="person.created", target_id=str(ada.pk))
    assert created.actor_id is None and created.actor_label == str(run) and created.request_id == f"ldap-sync-{run.pk}"


def test_a_second_sync_with_no_change_changes_nothing(directory):
    sync("--yes")
    before = {p.pk: p.updated_at for p in Person.objects.all()}
    out = sync("--yes")
    assert "nothing to change" in out
    assert {p.pk: p.updated_at for p in Person.objects.all()} == before
    assert SyncRun.objects.first().status == SyncStatus.APPLIED and SyncRun.objects.first().actions.count() == 0


def test_a_renamed_entry_updates_the_same_person(directory):
    sync("--yes")
    alan = ldap_persons()["alan"]
    directory.modify(f"dn: uid=alan,{PEOPLE_DN}\nchangetype: modify\nreplace: sn\nsn: Mathison-Turing\n-\n"
                     f"replace: mail\nmail: a.turing@roster-studio.io\n")
    directory.modify(f"dn: uid=alan,{PEOPLE_DN}\nchangetype: modrdn\nnewrdn: uid=aturing\ndeleteoldrdn: 1\n")

    out = sync("--yes")

    alan.refresh_from_db()
    assert (alan.desktop_login, alan.last_name, alan.email) == ("aturing", "Mathison-Turing", "a.turing@roster-studio.io")
    assert Person.objects.filter(is_generated_from_ldap=True).count() == 5
    assert re.search(r"^update +aturing +Alan Mathison-Turing", out, re.M) and "desktop_login: alan -> aturing" in out
    row = AuditEntry.objects.get(action="person.updated", target_id=str(alan.pk))
    assert row.changes["desktop_login"] == ["alan", "aturing"] and row.changes["last_name"] == ["Turing",
                                                                                                 "Mathison-Turing"]
    assert row.actor_label == str(SyncRun.objects.first())


def test_a_removed_entry_deactivates_and_its_return_reactivates_the_same_person(directory):
    sync("--yes")
    margaret = ldap_persons()["margaret"]
    tokens_issue_login_pair(person=margaret)
    # Moved out of the searched branch, as a departure often is: same entry, same entryUUID.
    directory.add(f"dn: ou=former,{SUFFIX}\nobjectClass: organizationalUnit\nou: former\n")
    directory.modify(f"dn: uid=margaret,{PEOPLE_DN}\nchangetype: modrdn\nnewrdn: uid=margaret\n"
                     f"deleteoldrdn: 1\nnewsuperior: ou=former,{SUFFIX}\n")

    sync("--yes", "--max-deactivate", "1")

    margaret.refresh_from_db()
    assert margaret.status == PersonStatus.INACTIVE and not margaret.active
    assert not AuthToken.objects.filter(person=margaret, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="person.ldap_deactivated", target_id=str(margaret.pk)).count() == 1
    assert sorted(ldap_persons()) == LOGINS  # never deleted

    directory.modify(f"dn: uid=margaret,ou=former,{SUFFIX}\nchangetype: modrdn\nnewrdn: uid=margaret\n"
                     f"deleteoldrdn: 1\nnewsuperior: {PEOPLE_DN}\n")
    sync("--yes")

    back = Person.objects.get(desktop_login="margaret")
    assert back.pk == margaret.pk and back.status == PersonStatus.ACTIVE and back.active
    assert AuditEntry.objects.filter(action="person.ldap_reactivated", target_id=str(margaret.pk)).count() == 1
    directory.delete(f"ou=former,{SUFFIX}")


def test_an_entry_deleted_and_created_again_is_the_same_person(directory):
    sync("--yes")
    linus = ldap_persons()["linus"]
    old_uid = linus.ldap_uid
    directory.delete(f"uid=linus,{PEOPLE_DN}")
    sync("--yes", "--max-deactivate", "1")
    directory.add(f"dn: uid=linus,{PEOPLE_DN}\nobjectClass: inetOrgPerson\nuid: linus\ncn: Linus Torvalds\n"
                  f"givenName: Linus\nsn: Torvalds\nmail: linus@roster-studio.io\n")

    sync("--yes")

    linus.refresh_from_db()
    assert linus.active and linus.ldap_uid != old_uid
    assert linus.ldap_uid == directory.entry_uuid(f"uid=linus,{PEOPLE_DN}")
    assert Person.objects.filter(desktop_login="linus").count() == 1


def test_a_person_an_admin_deactivated_stays_so_while_in_the_directory(directory):
    sync("--yes")
    admin = AdminFactory()
    grace = ldap_persons()["grace"]
    lifecycle.person_suspend(acting_user=admin, person=grace, reason="on leave")
    lifecycle.person_set_status(acting_user=admin, person=ldap_persons()["ada"], status=PersonStatus.INACTIVE)

    sync("--yes")

    assert ldap_persons()["grace"].status == PersonStatus.SUSPENDED
    assert ldap_persons()["ada"].status == PersonStatus.INACTIVE


@pytest.fixture
def departments(settings):
    settings.LDAP_GROUP_DEPARTMENTS = "animators:Animation,modelers:Modeling"
    return {name: Department.objects.create(name=name) for name in ("Animation", "Modeling", "Lighting")}


def memberships() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for login, name in PersonDepartment.objects.filter(person__is_generated_from_ldap=True).values_list(
            "person__desktop_login", "department__name"):
        result.setdefault(login, set()).add(name)
    return result


def test_group_membership_maps_to_departments(directory, departments):
    sync("--yes")
    # groupOfNames members by DN, posixGroup members by memberUid; an unmapped group gives nothing.
    assert memberships() == {"ada": {"Animation", "Modeling"}, "alan": {"Animation"}, "grace": {"Modeling"}}

    alan = ldap_persons()["alan"]
    PersonDepartment.objects.create(person=alan, department=departments["Lighting"])  # set by hand in Roster
    directory.modify(f"dn: cn=animators,ou=groups,{SUFFIX}\nchangetype: modify\ndelete: member\n"
                     f"member: uid=alan,{PEOPLE_DN}\n")
    directory.modify(f"dn: cn=modelers,ou=groups,{SUFFIX}\nchangetype: modify\nadd: memberUid\nmemberUid: linus\n")

    out = sync("--yes")

    # Only the mapped departments follow the directory; the one set by hand stays.
    assert memberships() == {"ada": {"Animation", "Modeling"}, "alan": {"Lighting"}, "grace": {"Modeling"},
                             "linus": {"Modeling"}}
    assert "- department" in out and "+ department" in out
    assert AuditEntry.objects.filter(action="person.department_removed", target_id=str(alan.pk),
                                     actor_label=str(SyncRun.objects.first())).exists()


def test_a_mapped_group_or_department_that_does_not_exist_fails_the_run(directory, departments, settings):
    settings.LDAP_GROUP_DEPARTMENTS = "animators:Animation,riggers:Modeling"
    message = sync_refused("--yes")
    assert "riggers" in message and not Person.objects.exists()
    assert SyncRun.objects.first().status == SyncStatus.FAILED

    settings.LDAP_GROUP_DEPARTMENTS = "animators:Rigging"
    message = sync_refused("--yes")
    assert "Rigging" in message and "do not exist" in message and not Person.objects.exists()


def test_a_dry_run_changes_nothing_but_shows_and_records_the_plan(directory):
    out = sync("--dry-run")

    assert not Person.objects.exists()
    for login in LOGINS:
        assert login in out
    assert "Action" in out and "create" in out
    run = SyncRun.objects.get()
    assert run.status == SyncStatus.DRY_RUN and run.dry_run
    assert set(run.actions.values_list("outcome", flat=True)) == {SyncOutcome.PLANNED}
    assert not AuditEntry.objects.exists()


def test_an_empty_directory_is_refused_unless_forced(directory):
    sync("--yes")
    directory.reset(ldif_file="")

    message = sync_refused("--yes")

    assert "returned no person entry" in message and "--force" in message
    assert Person.objects.filter(is_generated_from_ldap=True, active=True).count() == 5
    assert SyncRun.objects.first().status == SyncStatus.REFUSED

    sync("--yes", "--force")
    assert Person.objects.filter(is_generated_from_ldap=True, active=True).count() == 0
    assert Person.objects.filter(is_generated_from_ldap=True).count() == 5
    assert SyncRun.objects.first().forced


def test_a_mass_removal_is_refused_above_the_threshold(directory):
    sync("--yes")
    directory.delete(f"uid=linus,{PEOPLE_DN}", f"uid=margaret,{PEOPLE_DN}")

    message = sync_refused("--yes")  # 10% of 5 allows none
    assert "2 persons would be deactivated, more than the limit of 0" in message
    assert Person.objects.filter(is_generated_from_ldap=True, active=True).count() == 5

    message = sync_refused("--yes", "--max-deactivate", "1")
    assert "more than the limit of 1" in message

    sync("--yes", "--max-deactivate", "40%")
    assert sorted(ldap_persons()[login].active for login in LOGINS) == [False, False, True, True, True]


def test_a_failed_read_applies_nothing(directory, settings):
    sync("--yes")
    settings.LDAP_BASE_DN = f"ou=nowhere,{SUFFIX}"  # noSuchObject: not an empty directory
    assert "noSuchObject" in sync_refused("--yes", "--force")
    settings.LDAP_BASE_DN = PEOPLE_DN
    settings.LDAP_BIND_PASSWORD = "wrong"
    message = sync_refused("--yes", "--force")
    assert "Cannot bind" in message and "wrong" not in message
    assert Person.objects.filter(is_generated_from_ldap=True, active=True).count() == 5
    assert [run.status for run in SyncRun.objects.all()[:2]] == [SyncStatus.FAILED] * 2


def test_an_error_on_a_later_page_applies_nothing(directory, monkeypatch):
    """The read fails after its first page: the entries already read must not pass for the whole directory."""
    from ldap3 import Connection
    from ldap3.core.exceptions import LDAPSocketReceiveError

    from people.ldap import directory as directory_module

    sync("--yes")
    monkeypatch.setattr(directory_module, "PAGE_SIZE", 2)
    real_search, calls = Connection.search, []

    def search_then_fail(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise LDAPSocketReceiveError("connection reset")
        return real_search(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "search", search_then_fail)
    message = sync_refused("--yes", "--force")

    assert "connection reset" in message and "partial read" in message
    assert Person.objects.filter(is_generated_from_ldap=True, active=True).count() == 5


def test_persons_the_sync_did_not_create_are_never_touched(directory, settings):
    settings.ROSTER_PROTECTED_ACCOUNTS = ["margaret@roster-studio.io"]
    local = PersonFactory(email="linus@roster-studio.io", first_name="Linus", last_name="Local")
    sync("--yes")
    # linus's mail belongs to a person created in Roster: reported, not merged, not created.
    assert "linus" not in ldap_persons()
    run = SyncRun.objects.first()
    conflict = run.actions.get(login="linus")
    assert conflict.action == "conflict" and conflict.outcome == SyncOutcome.REPORTED

    directory.reset(ldif_file="")
    sync("--yes", "--force")
    local.refresh_from_db()
    assert local.active and local.last_name == "Local"
    # A protected account is never deactivated, even forced.
    assert ldap_persons()["margaret"].active
    assert not ldap_persons()["ada"].active


def test_without_yes_and_without_a_terminal_nothing_is_applied(directory, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    message = sync_refused()
    assert "Cancelled" in message and not Person.objects.exists()
    assert SyncRun.objects.get().status == SyncStatus.CANCELLED


def test_a_run_is_recorded_without_the_bind_password(directory, caplog):
    sync("--yes")
    run = SyncRun.objects.get()
    assert run.finished_at >= run.started_at
    assert run.directory["base_dn"] == PEOPLE_DN and "bind_password" not in run.directory
    stored = json.dumps([run.directory, run.errors, run.message, list(run.actions.values_list("changes", "message"))])
    assert ADMIN_PASSWORD not in stored
    assert ADMIN_PASSWORD not in json.dumps(list(AuditEntry.objects.values_list("changes", "reason")))
    assert ADMIN_PASSWORD not in caplog.text


def test_the_beat_task_runs_a_sync(directory):
    from people.tasks import sync_ldap

    assert sync_ldap() == SyncStatus.APPLIED
    assert SyncRun.objects.get().trigger == SyncTrigger.BEAT
    assert len(ldap_persons()) == 5


def test_runs_are_visible_in_the_admin_to_those_who_may_see_them(directory, admin, manager):
    from django.test import Client

    sync("--yes")
    run = SyncRun.objects.get()
    hr = Client()
    hr.force_login(admin)
    listing = hr.get("/admin/people/syncrun/")
    assert listing.status_code == 200 and str(run) in listing.content.decode()
    page = hr.get(f"/admin/people/syncrun/{run.pk}/change/").content.decode()
    assert "margaret" in page and f"ldap-sync-{run.pk}" in page
    assert hr.get("/admin/people/syncrun/add/").status_code == 403

    other = Client()
    other.force_login(manager)
    assert other.get("/admin/people/syncrun/").status_code in (302, 403)
