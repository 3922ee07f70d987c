"""The monthly timesheet and presence pages of the HR admin (timetracking.admin_pages, timetracking.reports):
a small month's cells and totals worked out by hand, shading, day-offs and weekends, who may open them, the
presence CSV download (the API's bytes), a query count that does not grow with the department, and both pages
opened from the sidebar in a browser under the CSP."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from selenium.webdriver.common.by import By

from departments.models import Department
from people.models import DesktopLoginLog, Role
from people.services.persons import person_add_department
from tests.conftest import PASSWORD, client_for, make_person
from tests.factories import PersonFactory
from tests.test_admin_browser import sign_in, wait_for
from tests.test_admin_template_classes import TEMPLATE_TAGS, defined_in
from tests.timetracking.factories import ProjectFactory, TaskFactory, day_off, time_spent
from timetracking import reports

TIMESHEET = "/admin/timetracking/monthlytimesheet/"
PRESENCE = "/admin/timetracking/monthlypresence/"
JUNE = dt.date(2024, 6, 1)  # a Saturday; June 2024 has 30 days, weekends on 1-2, 8-9, 15-16, 22-23, 29-30


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def member(department, first_name, last_name, **fields):
    person = PersonFactory(first_name=first_name, last_name=last_name,
                           email=f"{first_name}.{last_name}@studio.io".lower(), **fields)
    person_add_department(acting_user=None, person=person, department_id=department.pk)
    return person


def june(day: int) -> dt.date:
    return dt.date(2024, 6, day)


@pytest.fixture
def animation(db):
    return Department.objects.create(name="Animation", color="#E64A19")


@pytest.fixture
def june_of_animation(animation):
    """Ada and Bo in Animation, Cy in Lighting; two projects, so the sheet sums time on any task."""
    lighting = Department.objects.create(name="Lighting", color="#F1C40F")
    ada = member(animation, "Ada", "Kowalski")
    bo = member(animation, "Bo", "Lindqvist")
    cy = member(lighting, "Cy", "Okafor")
    first, second = TaskFactory(), TaskFactory()
    # Ada: 3 June 240 + 120 (two tasks: 6 h), 4 June 60 (1 h), 5 June 600 (10 h), 29 June (a Saturday) 90.
    time_spent(task=first, person=ada, date=june(3), duration=240)
    time_spent(task=second, person=ada, date=june(3), duration=120)
    time_spent(task=first, person=ada, date=june(4), duration=60)
    time_spent(task=second, person=ada, date=june(5), duration=600)
    time_spent(task=first, person=ada, date=june(29), duration=90)
    # Bo: 3 June 480 (8 h), 31 May and 1 July (outside the month), off 10-12 June.
    time_spent(task=first, person=bo, date=june(3), duration=480)
    time_spent(task=first, person=bo, date=dt.date(2024, 5, 31), duration=300)
    time_spent(task=first, person=bo, date=dt.date(2024, 7, 1), duration=300)
    day_off(person=bo, date=june(10), end_date=june(12))
    # Cy, another department: not on Animation's sheet.
    time_spent(task=first, person=cy, date=june(3), duration=420)
    return {"ada": ada, "bo": bo, "cy": cy}


# The selector


def test_the_timesheet_of_a_small_month(animation, june_of_animation):
    sheet = reports.department_timesheet(department_id=animation.pk, month=reports.Month(2024, 6))

    assert [row.person.first_name for row in sheet.rows] == ["Ada", "Bo"]
    ada, bo = sheet.rows
    assert len(ada.cells) == 30
    hours_of = {cell.date.day: cell.hours for cell in ada.cells if cell.minutes}
    assert hours_of == {3: 6, 4: 1, 5: 10, 29: 1.5}
    assert [ada.cells[n].shade for n in (1, 2, 3, 4, 28)] == ["none", "full", "short", "over", "short"]
    assert bo.cells[2].hours == 8 and bo.cells[2].shade == "full"  # 8 h is still "4 to 8"
    assert [cell.date.day for cell in bo.cells if cell.day_off] == [10, 11, 12]
    assert (ada.hours, bo.hours, bo.days_off) == (18.5, 8, 3)
    columns = sheet.column_hours
    assert (columns[2], columns[3], columns[4], columns[28], columns[0]) == (14, 1, 10, 1.5, 0)
    assert sum(columns) == sheet.hours == 26.5
    assert [day.date.day for day in sheet.days if day.is_weekend] == [1, 2, 8, 9, 15, 16, 22, 23, 29, 30]


def test_who_gets_a_row(animation, june_of_animation):
    gone = member(animation, "Dee", "Left", active=False)
    quiet = member(animation, "Eve", "Quiet", active=False)
    member(animation, "Bot", "Render", is_bot=True)
    time_spent(task=TaskFactory(), person=gone, date=june(7), duration=30)
    june_sheet = reports.department_timesheet(department_id=animation.pk, month=reports.Month(2024, 6))
    july_sheet = reports.department_timesheet(department_id=animation.pk, month=reports.Month(2024, 7))

    # Inactive members only in the months they logged time in; bots never.
    assert [row.person.first_name for row in june_sheet.rows] == ["Ada", "Bo", "Dee"]
    assert [row.person.first_name for row in july_sheet.rows] == ["Ada", "Bo"]
    assert quiet.pk not in {row.person.pk for row in june_sheet.rows}
    assert july_sheet.rows[1].cells[0].hours == 5


def test_months_parse_and_step_across_years():
    month = reports.Month.parse("2024-1")
    assert (month.key, month.previous.key, month.next.key) == ("2024-01", "2023-12", "2024-02")
    assert reports.Month(2024, 12).next.key == "2025-01"
    assert len(reports.Month(2024, 2).days) == 29 and len(reports.Month(2023, 2).days) == 28
    for bad in ("2024-13", "2024", "june", ""):
        with pytest.raises(Exception, match="Invalid month or year."):
            reports.Month.parse(bad)


# The timesheet page


def test_the_timesheet_page_shows_the_month(admin, animation, june_of_animation):
    response = signed_in(admin).get(TIMESHEET, {"department": animation.pk, "month": "2024-06"})

    assert response.status_code == 200
    assert response.context["department"] == animation
    page = response.content.decode()
    assert "Animation, June 2024" in page
    rows = re.findall(r'<tr class="[^"]*" data-person="([^"]+)">(.*?)</tr>', page, re.DOTALL)
    assert [person for person, _ in rows] == [str(june_of_animation["ada"].pk), str(june_of_animation["bo"].pk)]
    ada_cells = re.findall(r"<td [^>]*data-shade=\"(\w+)\"[^>]*>([^<]*)</td>", rows[0][1])
    assert len(ada_cells) == 30
    assert ada_cells[2:5] == [("full", "6"), ("short", "1"), ("over", "10")]
    assert ada_cells[28] == ("short", "1.5")
    assert re.search(r"data-row-total>18.5<", rows[0][1]) and re.search(r"data-row-total>8<", rows[1][1])
    bo_off = re.findall(r"<td [^>]*data-day-off[^>]*>([^<]*)</td>", rows[1][1])
    assert bo_off == ["off", "off", "off"]
    assert re.findall(r"data-column-total>([^<]*)<", page)[2:5] == ["14", "1", "10"]
    assert re.search(r'id="timesheet-grand-total">26.5<', page)
    assert len(re.findall(r"<th [^>]*data-weekend", page)) == 10
    # Navigation keeps the department.
    assert f"?department={animation.pk}&amp;month=2024-05" in page
    assert f"?department={animation.pk}&amp;month=2024-07" in page


def test_the_timesheet_defaults_and_refusals(admin, animation, june_of_animation):
    hr = signed_in(admin)
    today = dt.date.today()
    default = hr.get(TIMESHEET)
    assert default.status_code == 200
    assert default.context["department"] == animation  # the first by name
    assert default.context["month"].year == today.year
    assert hr.get(TIMESHEET, {"department": animation.pk, "month": "2024-13"}).context["error"] == (
        "Invalid month or year.")
    assert hr.get(TIMESHEET, {"department": "nope", "month": "2024-06"}).context["error"] == "Choose a department."


def test_the_pages_are_for_those_the_table_allows(admin, manager, user, animation):
    for page in (TIMESHEET, PRESENCE, f"{PRESENCE}csv/2024-06/"):
        assert signed_in(admin).get(page).status_code == 200
        for other in (manager, user):
            assert signed_in(other).get(page).status_code in (302, 403), (page, other.role)
        assert Client().get(page).status_code == 302  # to the sign-in page
    for page in (TIMESHEET, PRESENCE):
        assert signed_in(admin).get(f"{page}add/").status_code == 403


def test_the_sidebar_lists_both_pages_for_an_admin_only(admin, user):
    index = signed_in(admin).get("/admin/").content.decode()
    assert f'href="{TIMESHEET}"' in index and f'href="{PRESENCE}"' in index
    assert "Monthly timesheets" in index and "Monthly presence" in index


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_timesheet_s_queries_do_not_grow_with_the_department(admin, animation):
    hr = signed_in(admin)
    task = TaskFactory()
    params = {"department": animation.pk, "month": "2024-06"}

    def grow_to(size):
        while animation.memberships.count() < size:
            person = member(animation, f"P{animation.memberships.count():02d}", "Artist")
            for day in (3, 4, 5):
                time_spent(task=task, person=person, date=june(day), duration=60 * day)
            day_off(person=person, date=june(20))

    grow_to(2)
    hr.get(TIMESHEET, params)  # warm the session's caches
    two = count_queries(hr, TIMESHEET, params)
    grow_to(20)
    twenty = count_queries(hr, TIMESHEET, params)
    assert two == twenty
    assert len(signed_in(admin).get(TIMESHEET, params).context["timesheet"].rows) == 20


# The presence page


def login(person, day: int, hour: int = 10):
    DesktopLoginLog.objects.create(person=person, date=dt.datetime(2024, 6, day, hour, tzinfo=dt.UTC))


def test_the_presence_page_marks_the_csv_s_days(admin, animation):
    ada = member(animation, "Ada", "Kowalski")
    bo = member(animation, "Bo", "Lindqvist")
    login(ada, 3)
    login(ada, 3, hour=16)
    login(ada, 4)
    login(bo, 30, hour=23)
    DesktopLoginLog.objects.create(person=bo, date=dt.datetime(2024, 7, 1, 0, 30, tzinfo=dt.UTC))

    response = signed_in(admin).get(PRESENCE, {"month": "2024-06"})

    assert response.status_code == 200
    page = response.content.decode()
    rows = dict(re.findall(r'<tr class="[^"]*" data-person="([^"]+)">(.*?)</tr>', page, re.DOTALL))
    assert list(rows) == [str(ada.pk), str(bo.pk), str(admin.pk)]  # the CSV's rows, by first name

    def marked(person):
        cells = re.findall(r"<td class=\"py-1 px-1[^\"]*\"( data-present[^>]*)?>", rows[str(person.pk)])
        return [day for day, present in enumerate(cells, start=1) if present]

    assert (marked(ada), marked(bo), marked(admin)) == ([3, 4], [30], [])
    assert re.search(r"data-row-total>2<", rows[str(ada.pk)])
    assert re.findall(r"data-column-total>([^<]*)<", page)[2:4] == ["1", "1"]
    assert 'href="/admin/timetracking/monthlypresence/csv/2024-06/"' in page


def test_the_presence_download_is_the_api_s_csv(admin, animation):
    ada = member(animation, "Ada", "Kowalski")
    login(ada, 3)
    download = signed_in(admin).get(f"{PRESENCE}csv/2024-06/")
    api = client_for(admin).get("/api/data/persons/presence-logs/2024-06")

    assert download.status_code == 200 and api.status_code == 200
    assert download.content == api.content
    assert download["Content-Type"] == "text/csv"
    assert download["Content-Disposition"] == "attachment; filename=presence-2024-06.csv"
    assert signed_in(admin).get(f"{PRESENCE}csv/2024-13/").status_code == 400


def test_the_presence_page_s_queries_do_not_grow_with_the_studio(admin):
    hr = signed_in(admin)
    params = {"month": "2024-06"}
    hr.get(PRESENCE, params)
    few = count_queries(hr, PRESENCE, params)
    for n in range(18):
        artist = PersonFactory()
        login(artist, 1 + n)
        login(artist, 2 + n)
    assert count_queries(hr, PRESENCE, params) == few


# Templates and the browser


@pytest.mark.parametrize("name", ["timesheet.html", "presence.html"])
def test_the_templates_use_only_classes_unfold_styles(name):
    """tests/test_admin_template_classes.py's check, on this app's own templates."""
    stylesheet = Path(finders.find("unfold/css/styles.css")).read_text()
    template = Path(settings.BASE_DIR) / "timetracking/templates/admin/timetracking" / name
    used = {name for attribute in re.findall(r'class="([^"]*)"', template.read_text())
            for name in TEMPLATE_TAGS.sub(" ", attribute).split()}
    assert "overflow-x-auto" in used and "dark:bg-base-800" in used
    assert sorted(name for name in used if not name.startswith("roster-") and not defined_in(stylesheet, name)) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_both_pages_open_from_the_sidebar_in_a_browser(live_server, browser, animation):
    hr = make_person(role=Role.ADMIN, email="hr.admin@example.com", first_name="Hanna", last_name="Reyes",
                     password=PASSWORD)
    ada = member(animation, "Ada", "Kowalski")
    ProjectFactory()
    today = dt.datetime.now(ZoneInfo(hr.timezone)).date()  # the month the pages open on
    time_spent(task=TaskFactory(), person=ada, date=today, duration=300)
    DesktopLoginLog.objects.create(person=ada, date=dt.datetime(today.year, today.month, today.day, 12,
                                                                 tzinfo=dt.UTC))

    sign_in(browser, live_server, hr)
    link = browser.find_element(By.CSS_SELECTOR, f"#nav-sidebar-inner a[href='{TIMESHEET}']")
    browser.get(link.get_attribute("href"))
    table = wait_for(browser, "table.roster-timesheet")
    row = table.find_element(By.CSS_SELECTOR, f"tr[data-person='{ada.pk}']")
    assert row.find_element(By.CSS_SELECTOR, "th").text == "Ada Kowalski"
    cell = row.find_elements(By.CSS_SELECTOR, "td[data-shade]")[today.day - 1]
    assert (cell.text, cell.get_attribute("data-shade")) == ("5", "full")
    assert browser.find_element(By.ID, "timesheet-grand-total").text == "5"
    # The cell is shaded: its background is not the row's.
    assert cell.value_of_css_property("background-color") != row.value_of_css_property("background-color")
    browser.find_element(By.ID, "timesheet-previous").click()
    wait_for(browser, "#timesheet-next")
    assert "month=" in browser.current_url

    link = browser.find_element(By.CSS_SELECTOR, f"#nav-sidebar-inner a[href='{PRESENCE}']")
    browser.get(link.get_attribute("href"))
    table = wait_for(browser, "table.roster-presence")
    row = table.find_element(By.CSS_SELECTOR, f"tr[data-person='{ada.pk}']")
    marks = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td[data-present]")]
    assert marks == ["X"]
    assert browser.find_element(By.ID, "presence-csv").get_attribute("href").endswith(
        f"/csv/{today:%Y-%m}/")
