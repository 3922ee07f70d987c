"""The presence CSV (zou-api.md section 7; section 10 item 27), through the route and the `export_presence`
command: the exact bytes, compared with strings written out by hand (`;`, CRLF, 28 to 31 day columns), who gets
a row and in which order, the month's UTC boundaries, the headers, bad months, and the constant query count."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from people.models import DesktopLoginLog, Person, PersonStatus
from tests.conftest import client_for, make_person
from tests.factories import AdminFactory, BotFactory, PersonFactory
from tests.timetracking.factories import TaskFactory, time_spent
from timetracking import presence
from timetracking.presence import presence_csv

pytestmark = pytest.mark.django_db

URL = "/api/data/persons/presence-logs/{}"


@pytest.fixture
def caller():
    # Sorts first ("Aaron"), so the expected strings below start with an empty row for the caller.
    return AdminFactory(first_name="Aaron", last_name="Admin", email="aaron@studio.io")


def person(first_name, last_name, **fields):
    email = "".join(c for c in f"{first_name}.{last_name}".lower() if c.isalnum() or c == ".") + "@studio.io"
    return PersonFactory(first_name=first_name, last_name=last_name, email=email, **fields)


def login(person, year, month, day, hour=10, minute=0):
    DesktopLoginLog.objects.create(person=person, date=dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC))


def get_csv(person, month: str):
    return client_for(person).get(URL.format(month))


def exported(month: str) -> bytes:
    out = io.StringIO()
    call_command("export_presence", month, stdout=out)
    return out.getvalue().encode("utf-8")


def test_april_is_zou_s_example_byte_for_byte(caller):
    """zou-api.md section 7's example: April 2018, John Doe present on the 1st and the 10th."""
    doe = person("John", "Doe")
    person("John", "Did")
    login(doe, 2018, 4, 1)
    login(doe, 2018, 4, 1, hour=15)  # two logins on one day: one X
    login(doe, 2018, 4, 10)

    response = get_csv(caller, "2018-04")

    assert response.status_code == 200
    assert response.content == (
        b"2018;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30\r\n"
        b"Aaron Admin;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
        b"John Did;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
        b"John Doe;X;;;;;;;;;X;;;;;;;;;;;;;;;;;;;;\r\n"
    )
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == "attachment; filename=kitsu_export.csv"


def test_february_has_28_columns_and_29_in_a_leap_year(caller):
    login(caller, 2023, 2, 28)
    login(caller, 2024, 2, 29)

    assert get_csv(caller, "2023-02").content == (
        b"2023;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28\r\n"
        b"Aaron Admin;;;;;;;;;;;;;;;;;;;;;;;;;;;;X\r\n"
    )
    assert get_csv(caller, "2024-02").content == (
        b"2024;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29\r\n"
        b"Aaron Admin;;;;;;;;;;;;;;;;;;;;;;;;;;;;;X\r\n"
    )


def test_a_31_day_month_counts_the_last_minute_and_not_the_next_month(caller):
    """A login at 23:59 UTC on the 31st is in December; one at 00:00 on January 1st is not (item 27)."""
    artist = person("Zoe", "Zed")
    login(artist, 2023, 12, 1, hour=0, minute=0)
    login(artist, 2023, 12, 31, hour=23, minute=59)
    login(artist, 2024, 1, 1, hour=0, minute=0)
    login(artist, 2023, 11, 30, hour=23, minute=59)

    assert get_csv(caller, "2023-12").content == (
        b"2023;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31\r\n"
        b"Aaron Admin;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
        b"Zoe Zed;X;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;X\r\n"
    )
    assert get_csv(caller, "2024-01").content == (
        b"2024;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31\r\n"
        b"Aaron Admin;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
        b"Zoe Zed;X;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
    )


def test_rows_are_active_non_guests_bots_included_by_first_then_last_name(caller):
    person("Mia", "Zorn")
    person("Mia", "Adams")
    person("Ben", "Young")
    BotFactory(first_name="Render", last_name="Bot")
    person("Gus", "Guest", is_guest=True)
    person("Ivy", "Inactive", status=PersonStatus.INACTIVE)
    person("Sid", "Suspended", status=PersonStatus.SUSPENDED)

    lines = get_csv(caller, "2024-06").content.decode().split("\r\n")

    assert [line.split(";")[0] for line in lines] == [
        "2024", "Aaron Admin", "Ben Young", "Mia Adams", "Mia Zorn", "Render Bot", ""]


def test_time_spent_does_not_count_and_names_are_quoted_as_the_csv_module_does(caller):
    person('Jean "JJ"', "Dupont;Durand")
    time_spent(task=TaskFactory(), person=caller, date=dt.date(2024, 6, 3), duration=60)

    lines = get_csv(caller, "2024-06").content.decode().split("\r\n")

    assert lines[1] == "Aaron Admin" + ";" * 30
    assert lines[2] == '"Jean ""JJ"" Dupont;Durand"' + ";" * 30


@pytest.mark.parametrize("month", ["2024-13", "2024-1x", "24-01", "2024-00", "2024", "2024-01-01", "0000-01"])
def test_a_bad_month_is_a_400_in_zou_s_envelope(caller, month):
    response = get_csv(caller, month)

    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Invalid month or year.", "data": None}


def test_the_path_reaches_the_presence_view_not_the_person_detail(caller):
    from django.urls import resolve

    match = resolve("/api/data/persons/presence-logs/2024-06")
    assert match.url_name == "presence-logs" and match.func.__module__.startswith("timetracking.")
    assert resolve("/api/data/persons/presence-logs/2024-06/").url_name == "presence-logs"


def test_the_query_count_is_constant(caller):
    api = client_for(caller)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(URL.format("2024-06")).status_code == 200
        return len(captured)

    few = count()
    for i in range(15):
        artist = PersonFactory()
        for day in (1, 2, 3 + i):
            login(artist, 2024, 6, day)
    # The token, then the persons with their days (one query on PostgreSQL).
    assert few == count() == 2


def test_the_command_writes_the_route_s_bytes(caller, tmp_path):
    artist = person("Zoe", "Zed")
    login(artist, 2024, 2, 29, hour=23, minute=59)
    route = get_csv(caller, "2024-02").content

    assert exported("2024-02") == route
    target = tmp_path / "presence.csv"
    call_command("export_presence", "2024-02", "-o", str(target))
    assert target.read_bytes() == route
    assert b"\r\n" in route and b"\n" not in route.replace(b"\r\n", b"")


def test_the_command_refuses_a_bad_month():
    with pytest.raises(CommandError, match="Invalid month or year."):
        call_command("export_presence", "2024-13", stdout=io.StringIO())


@pytest.mark.parametrize("first_name", ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)"])
def test_a_name_never_becomes_a_formula(db, first_name):
    """Anyone may set their own name; the admin opens the file in a spreadsheet: such a cell starts with '."""
    person = make_person(email="mallory@example.com", first_name=first_name, last_name="Doe")
    rows = presence_csv(year=2024, month=6).split("\r\n")
    [row] = [line for line in rows if "Doe" in line]
    cell = next(csv.reader([row], delimiter=";"))[0]
    assert cell == f"'{person.full_name}"


def csv_module_presence(year: int, month: int) -> str:
    """The CSV as the csv module writes it, cell by cell (Zou's way), from the portable selectors: what the
    fast layout must equal byte for byte."""
    import calendar

    days = range(1, calendar.monthrange(year, month)[1] + 1)
    present = presence.presence_days(year=year, month=month)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([str(year), *(str(day) for day in days)])
    for person in presence.presence_persons():
        name = presence.spreadsheet_safe(person.full_name)
        writer.writerow([name, *("X" if (person.pk, day) in present else "" for day in days)])
    return buffer.getvalue()


ODD_NAMES = [("Semi;colon", "Doe"), ('Jean "JJ"', ""), ("Line\nBreak", "Doe"), ("Carriage\rReturn", ""),
             ("  Spaced  ", " Out "), ("", ""), (" ", "Blank"), ("Tab\there", "x"), ("Éloïse", "Ünïcode"),
             ("=SUM(A1)", ";x")]


@pytest.mark.parametrize("year, month", [(2024, 2), (2023, 2), (2024, 6), (2023, 12), (2024, 1)])
def test_both_paths_write_the_csv_modules_bytes(caller, monkeypatch, year, month):
    """PostgreSQL's one query (days as a bit mask) and the portable two (SQLite's), against the csv module."""
    people = [PersonFactory(email=f"odd{index}@studio.io") for index in range(len(ODD_NAMES))]
    for someone, (first, last) in zip(people, ODD_NAMES, strict=True):
        # Written past the services (which strip names and require a first one): whatever a row holds.
        Person.objects.filter(pk=someone.pk).update(first_name=first, last_name=last)
    for index, someone in enumerate(people):
        login(someone, 2023, 12, 31, hour=23, minute=59)
        login(someone, 2024, 1, 1, hour=0, minute=0)
        login(someone, 2024, 2, 29, hour=12)
        for day in range(1 + index % 3, 29, 2 + index % 5):
            login(someone, 2024, 6, day)
        login(someone, 2024, 6, 30 - index)
    login(caller, 2023, 2, 28)
    expected = csv_module_presence(year, month)
    assert presence_csv(year=year, month=month) == expected
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert presence_csv(year=year, month=month) == expected


@given(st.text(alphabet=st.sampled_from(['a', 'Z', ' ', ';', '"', "'", '\r', '\n', '\t', ',', 'é', '\\', '\x00', '\u2028']),
               max_size=8))
def test_a_name_cell_is_the_csv_modules(name):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([name, "X", ""])
    assert presence.csv_field(name) + ";X;\r\n" == buffer.getvalue()
