"""The quota screens of the HR admin: targets saved through the services with their attainment, and the quota
report page with its chart of frames per person (a browser test checks it keeps to the CSP)."""

import datetime as dt

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from audit.models import AuditEntry
from config.errors import ApplicationError
from departments.models import Department
from people.models import Role
from people.services.persons import person_add_department
from quotas import periods, selectors, services
from quotas.admin import last_week
from quotas.models import QuotaTarget
from tests.conftest import PASSWORD, make_person
from tests.quotas.production import Production, log, utc
from tests.test_admin_browser import sign_in, wait_for

JUNE_WEEK_23 = periods.Period(dt.date(2024, 6, 3), dt.date(2024, 6, 10))


def admin_client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def team(db):
    """Ada and Bo in Animation; Cy elsewhere. One project whose task type belongs to Animation."""
    animation = Department.objects.create(name="Animation", color="#E64A19")
    ada = make_person(email="ada@example.com", first_name="Ada", last_name="Kowalski")
    bo = make_person(email="bo@example.com", first_name="Bo", last_name="Lindqvist")
    cy = make_person(email="cy@example.com", first_name="Cy", last_name="Okafor")
    for person in (ada, bo):
        person_add_department(acting_user=None, person=person, department_id=animation.pk)
    production = Production(team=[ada, bo, cy])
    return {"animation": animation, "ada": ada, "bo": bo, "cy": cy, "production": production}


def deliver(team):
    """In ISO week 23 of 2024: Ada logs all of a 100-frame shot; Ada and Bo share a 60-frame shot 1:2; Cy
    (not in Animation) delivers a 48-frame shot with no time spent."""
    production = team["production"]
    solo = production.shot_task("SH01", assignees=[team["ada"]], nb_frames=100, end_date=utc(2024, 6, 7, 12))
    log(solo, team["ada"], dt.date(2024, 6, 4), 240)
    shared = production.shot_task("SH02", assignees=[team["bo"]], nb_frames=60, end_date=utc(2024, 6, 7, 12))
    log(shared, team["ada"], dt.date(2024, 6, 5), 60)
    log(shared, team["bo"], dt.date(2024, 6, 5), 120)
    production.shot_task("SH03", assignees=[team["cy"]], real_start_date=utc(2024, 6, 4, 9),
                         end_date=utc(2024, 6, 4, 17))


@pytest.mark.django_db
def test_attainment_of_a_department_target(team, admin):
    deliver(team)
    task_type = team["production"].task_type
    frames = services.quota_target_create(acting_user=admin, data={
        "department": team["animation"], "task_type": task_type, "unit": "frames", "per_week": 100})
    shots = services.quota_target_create(acting_user=admin, data={
        "department": team["animation"], "task_type": task_type, "unit": "shots", "per_week": 2})

    found = selectors.targets_attainment([frames, shots], period=JUNE_WEEK_23, tz=dt.UTC)
    # Frames: Ada 100 + round(60 * 1/3) = 20, Bo round(60 * 2/3) = 40: 160 of 100 x 2 artists = 80 %.
    assert (found[frames.pk].delivered, found[frames.pk].expected, found[frames.pk].percent) == (160, 200, 80)
    # Shots: Ada 1 + 1/3, Bo 2/3: 2 of 2 x 2 = 4 expected: 50 %.
    assert (found[shots.pk].delivered, found[shots.pk].expected, found[shots.pk].percent) == (2, 4, 50)
    # Over June (20 business days, 4 weeks): 160 of 100 x 2 x 4 = 20 %.
    june = periods.month_period(2024, 6)
    assert selectors.targets_attainment([frames], period=june, tz=dt.UTC)[frames.pk].percent == 20


@pytest.mark.django_db
def test_targets_are_written_through_the_services_with_audit_rows(team, admin):
    task_type = team["production"].task_type
    target = services.quota_target_create(acting_user=admin, data={
        "department": team["animation"], "task_type": task_type, "unit": "frames", "per_week": 100})
    with pytest.raises(ApplicationError):
        services.quota_target_create(acting_user=admin, data={
            "department": team["animation"], "task_type": task_type, "unit": "frames", "per_week": 50})
    target.per_week = 120
    services.quota_target_save(acting_user=admin, target=target)
    services.quota_target_delete(acting_user=admin, target=target)
    rows = list(AuditEntry.objects.filter(target_type="quota_target").order_by("at").values_list("action", "changes"))
    assert [action for action, _ in rows] == ["quota_target.created", "quota_target.updated",
                                             "quota_target.deleted"]
    assert rows[1][1] == {"per_week": [100.0, 120.0]}
    assert not QuotaTarget.objects.exists()


@pytest.mark.django_db
def test_the_targets_list_shows_last_week_attainment(team, admin):
    task_type = team["production"].task_type
    week = last_week(dt.UTC)
    monday = week.first_day
    shot = team["production"].shot_task("SH01", assignees=[team["ada"]], nb_frames=50,
                                        end_date=utc(monday.year, monday.month, monday.day, 12))
    log(shot, team["ada"], monday, 60)
    services.quota_target_create(acting_user=admin, data={
        "department": team["animation"], "task_type": task_type, "unit": "frames", "per_week": 100})
    response = admin_client(admin).get("/admin/quotas/quotatarget/")
    assert response.status_code == 200
    # 50 frames by Ada, of 100 x 2 artists.
    assert "25 % (50 of 200 frames)" in response.content.decode()
    form = admin_client(admin).post("/admin/quotas/quotatarget/add/", {
        "department": team["animation"].pk, "task_type": task_type.pk, "unit": "shots", "per_week": "3"})
    assert form.status_code == 302 and QuotaTarget.objects.filter(unit="shots", per_week=3).exists()


@pytest.mark.django_db
def test_the_quota_report_page(team, admin, manager):
    deliver(team)
    production = team["production"]
    services.quota_target_create(acting_user=admin, data={
        "department": team["animation"], "task_type": production.task_type, "unit": "frames", "per_week": 50})
    url = (f"/admin/quotas/quotareport/?project={production.project.pk}&task_type={production.task_type.pk}"
           "&month=2024-06&count_mode=weighted")
    response = admin_client(admin).get(url)
    assert response.status_code == 200
    bars = [(bar["label"], bar["count"], bar["attainment"]) for bar in response.context["bars"]]
    # Ada 120 frames, Bo 40, Cy 48 (one business day, all of it); June is 4 working weeks: Animation's target
    # is 50 x 4 = 200 frames a person: Ada 60 %, Bo 20 %; Cy has no target.
    assert bars == [("Ada Kowalski", 120, 60), ("Cy Okafor", 48, None), ("Bo Lindqvist", 40, 20)]
    assert admin_client(admin).get("/admin/quotas/quotareport/?month=2024-13").context["error"]
    assert admin_client(manager).get(url).status_code in (302, 403)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_quota_report_in_a_browser(live_server, browser, team):
    deliver(team)
    admin = make_person(role=Role.ADMIN, email="hr.admin@example.com", first_name="Hanna", last_name="Reyes",
                        password=PASSWORD)
    production = team["production"]
    sign_in(browser, live_server, admin)
    # Reachable from the sidebar.
    link = browser.find_element(By.CSS_SELECTOR, "#nav-sidebar-inner a[href='/admin/quotas/quotareport/']")
    browser.get(link.get_attribute("href"))
    wait_for(browser, "#quota-report-form")
    browser.get(f"{live_server.url}/admin/quotas/quotareport/?project={production.project.pk}"
                f"&task_type={production.task_type.pk}&month=2024-06")
    figure = wait_for(browser, "figure[aria-label='Frames per person']")
    rows = figure.find_elements(By.CSS_SELECTOR, "div")
    frames = {row.find_element(By.CSS_SELECTOR, "span").text: int(row.find_element(By.CSS_SELECTOR,
                                                                                  "[data-frames]").text)
              for row in rows}
    widths = [row.find_element(By.CSS_SELECTOR, ".roster-bar").size["width"] for row in rows]
    assert frames == {"Ada Kowalski": 120, "Cy Okafor": 48, "Bo Lindqvist": 40}
    assert widths[0] > widths[1] > widths[2] > 0


def test_the_report_template_uses_only_classes_unfold_styles():
    """tests/test_admin_template_classes.py's check, on this app's own template."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    from tests.test_admin_template_classes import TEMPLATE_TAGS, defined_in

    stylesheet = Path(finders.find("unfold/css/styles.css")).read_text()
    template = Path(settings.BASE_DIR) / "quotas/templates/admin/quotas/report.html"
    used = {name for attribute in re.findall(r'class="([^"]*)"', template.read_text())
            for name in TEMPLATE_TAGS.sub(" ", attribute).split()}
    assert "grow" in used
    assert sorted(name for name in used if not name.startswith("roster-") and not defined_in(stylesheet, name)) == []
