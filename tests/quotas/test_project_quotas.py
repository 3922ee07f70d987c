"""`/api/data/projects/<id>/quotas/<task_type_id>` and `.../quotas/persons/<id>` (zou-api.md 8.1), values worked
out by hand in the comments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from departments.models import Studio
from tests.conftest import assert_field_error, client_for, make_person
from tests.quotas.production import Production, log, utc
from tests.timetracking.factories import TaskTypeFactory


def quotas_url(production, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/data/projects/{production.project.pk}/quotas/{production.task_type.pk}?{query}"


def person_quotas_url(production, person, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/data/projects/{production.project.pk}/quotas/persons/{person.pk}?{query}"


def test_the_quota_routes_resolve_to_the_quota_views_not_the_collections():
    """`data/projects/<pk>` (timetracking) and `data/persons/<pk>` (people) must not swallow them."""
    some = "9b2f1c3e-1111-4222-8333-444455556666"
    assert resolve(f"/api/data/projects/{some}/quotas/{some}").url_name == "project-quotas"
    assert resolve(f"/api/data/projects/{some}/quotas/persons/{some}/").url_name == "project-person-quotas"
    assert resolve(f"/api/data/persons/{some}/quota-shots/month/2024/06").url_name == "person-quota-shots-month"
    assert resolve(f"/api/data/persons/{some}/quota-shots/week/2024/23/").url_name == "person-quota-shots-week"
    assert resolve(f"/api/data/persons/{some}/quota-shots/day/2024/06/04").url_name == "person-quota-shots-day"
    for path in (f"/api/data/projects/{some}/quotas/{some}", f"/api/data/persons/{some}/quota-shots/day/2024/6/4"):
        assert resolve(path).func.cls.__module__ == "quotas.api.views"


@pytest.mark.django_db
def test_the_documented_example_raw_and_weighted(admin_api, user):
    """48 frames at 24 fps; 500 minutes on Tue 4 June (ISO week 23) and 60 on Mon 1 July (week 27) by the same
    person; feedback on 5 June."""
    production = Production(team=[user], fps="24")
    task = production.shot_task("SH01", assignees=[user], end_date=utc(2024, 6, 5, 12))
    log(task, user, dt.date(2024, 6, 4), 500)
    log(task, user, dt.date(2024, 7, 1), 60)

    raw = admin_api.get(quotas_url(production, count_mode="feedback")).json()
    # The whole shot on 5 June: 48 frames, 48 / 24 = 2 seconds, one shot.
    entry = raw[str(user.pk)]
    assert raw["total"] == entry
    assert entry == {
        "day": {"frames": {"2024-06-05": 48}, "seconds": {"2024-06-05": 2.0}, "drawings": {"2024-06-05": 0},
                "count": {"2024-06-05": 1}, "entries": {"2024-06": 1}},
        "week": {"frames": {"2024-23": 48}, "seconds": {"2024-23": 2.0}, "drawings": {"2024-23": 0},
                 "count": {"2024-23": 1}, "entries": {"2024": 1}},
        "month": {"frames": {"2024-06": 48}, "seconds": {"2024-06": 2.0}, "drawings": {"2024-06": 0},
                  "count": {"2024-06": 1}, "entries": {"2024": 1}},
        "year": {"frames": {"2024": 48}, "seconds": {"2024": 2.0}, "drawings": {"2024": 0}, "count": {"2024": 1}},
    }

    weighted = admin_api.get(quotas_url(production)).json()  # count_mode defaults to weighted
    # Shares 500/560 = 0.8929 and 60/560 = 0.1071; frames round(48 * 0.8929) = round(42.86) = 43 and
    # round(48 * 0.1071) = round(5.14) = 5; seconds 43/24 and 5/24.
    entry = weighted[str(user.pk)]
    assert weighted["total"] == entry
    assert entry["day"] == {
        "frames": {"2024-06-04": 43, "2024-07-01": 5},
        "seconds": {"2024-06-04": pytest.approx(43 / 24), "2024-07-01": pytest.approx(5 / 24)},
        "drawings": {"2024-06-04": 0, "2024-07-01": 0},
        "count": {"2024-06-04": 0.89, "2024-07-01": 0.11},
        "entries": {"2024-06": 1, "2024-07": 1},
    }
    assert entry["week"]["frames"] == {"2024-23": 43, "2024-27": 5}
    assert entry["week"]["entries"] == {"2024": 2}
    assert entry["month"]["count"] == {"2024-06": 0.89, "2024-07": 0.11}
    assert entry["month"]["frames"] == {"2024-06": 43, "2024-07": 5}
    assert entry["month"]["entries"] == {"2024": 2}
    assert entry["year"] == {"frames": {"2024": 48}, "seconds": {"2024": pytest.approx(2.0)},
                             "drawings": {"2024": 0}, "count": {"2024": 1.0}}


@pytest.mark.django_db
def test_weighted_frames_and_counts_split_by_logged_time_across_people(admin_api):
    ada, bo = make_person(email="ada@example.com"), make_person(email="bo@example.com")
    production = Production(team=[ada, bo], fps="25")
    task = production.shot_task("SH01", assignees=[ada], nb_frames=100, nb_drawings=20,
                                done_date=utc(2024, 6, 10, 9))
    log(task, ada, dt.date(2024, 6, 3), 90)
    log(task, bo, dt.date(2024, 6, 3), 30)

    quotas = admin_api.get(quotas_url(production, count_mode="weighteddone")).json()
    # 90/120 = 0.75 and 30/120 = 0.25 of 100 frames and 20 drawings; seconds = frames / 25.
    assert quotas[str(ada.pk)]["day"]["frames"] == {"2024-06-03": 75}
    assert quotas[str(ada.pk)]["day"]["drawings"] == {"2024-06-03": 15}
    assert quotas[str(ada.pk)]["day"]["seconds"] == {"2024-06-03": 3.0}
    assert quotas[str(bo.pk)]["day"]["frames"] == {"2024-06-03": 25}
    counts = [quotas[str(person.pk)]["year"]["count"]["2024"] for person in (ada, bo)]
    assert counts == [0.75, 0.25] and quotas["total"]["year"]["count"] == {"2024": 1.0}
    # The feedback modes ignore it: it has a done date only.
    assert admin_api.get(quotas_url(production, count_mode="weighted")).json() == {}
    assert admin_api.get(quotas_url(production, count_mode="feedback")).json() == {}


@pytest.mark.django_db
def test_a_task_without_time_spent_is_spread_over_its_business_days(admin_api, user):
    production = Production(team=[user])
    # Thu 6 June 10:00 to Tue 11 June 10:00 (UTC, the admin's timezone here): Thu 6, Fri 7, Mon 10, Tue 11 =
    # 4 business days; 90 frames: round(90 / 4) = round(22.5) = 22 a day; count 1/4 a day.
    production.shot_task("SH01", assignees=[user], nb_frames=90, real_start_date=utc(2024, 6, 6, 10),
                         end_date=utc(2024, 6, 11, 10))
    entry = admin_api.get(quotas_url(production)).json()[str(user.pk)]
    days = ["2024-06-06", "2024-06-07", "2024-06-10", "2024-06-11"]
    assert entry["day"]["frames"] == dict.fromkeys(days, 22)
    assert entry["day"]["count"] == dict.fromkeys(days, 0.25)
    # ISO week 23 ends Sun 9 June: two days in week 23, two in week 24.
    assert entry["week"]["count"] == {"2024-23": 0.5, "2024-24": 0.5}
    assert entry["week"]["frames"] == {"2024-23": 44, "2024-24": 44}
    assert entry["month"]["count"] == {"2024-06": 1.0} and entry["day"]["entries"] == {"2024-06": 4}


@pytest.mark.django_db
@pytest.mark.parametrize(("timezone", "day", "week"), [("Europe/Paris", "2024-07-01", "2024-27"),
                                                        ("America/Los_Angeles", "2024-06-30", "2024-26")])
def test_raw_dates_land_on_the_callers_local_day_and_week(timezone, day, week):
    viewer = make_person(role="admin", email="viewer@example.com", timezone=timezone)
    production = Production()
    artist = make_person(email="ada@example.com")
    # Sunday 30 June 23:30 UTC: Monday 1 July 01:30 in Paris, Sunday 30 June 16:30 in Los Angeles.
    production.shot_task("SH01", assignees=[artist], end_date=utc(2024, 6, 30, 23, 30))
    entry = client_for(viewer).get(quotas_url(production, count_mode="feedback")).json()[str(artist.pk)]
    assert list(entry["day"]["frames"]) == [day] and list(entry["week"]["frames"]) == [week]


@pytest.mark.django_db
def test_a_week_is_keyed_by_its_iso_year_unpadded(admin_api, user):
    production = Production(team=[user])
    # Mon 30 December 2024 is in ISO week 1 of 2025; Mon 3 February 2025 in week 6.
    production.shot_task("SH01", assignees=[user], end_date=utc(2024, 12, 30, 12))
    production.shot_task("SH02", assignees=[user], end_date=utc(2025, 2, 3, 12))
    entry = admin_api.get(quotas_url(production, count_mode="feedback")).json()[str(user.pk)]
    assert entry["week"]["frames"] == {"2025-1": 48, "2025-6": 48}
    assert entry["week"]["entries"] == {"2025": 2}
    assert entry["month"]["entries"] == {"2024": 1, "2025": 1}
    assert entry["year"]["count"] == {"2024": 1, "2025": 1}


@pytest.mark.django_db
def test_person_quotas_are_keyed_by_task_type_and_keep_tasks_without_time_spent(admin_api, user):
    production = Production(team=[user])
    layout = TaskTypeFactory(name="Layout")
    other = make_person(email="bo@example.com")
    logged = production.shot_task("SH01", assignees=[user], end_date=utc(2024, 6, 5, 12))
    log(logged, user, dt.date(2024, 6, 4), 60)
    log(logged, other, dt.date(2024, 6, 4), 60)  # someone else's half
    production.shot_task("SH02", assignees=[user], task_type=layout, real_start_date=utc(2024, 6, 3, 9),
                         end_date=utc(2024, 6, 3, 18))
    quotas = admin_api.get(person_quotas_url(production, user)).json()
    assert set(quotas) == {str(production.task_type.pk), str(layout.pk), "total"}
    assert quotas[str(production.task_type.pk)]["day"]["count"] == {"2024-06-04": 0.5}
    assert quotas[str(layout.pk)]["day"]["frames"] == {"2024-06-03": 48}  # one business day: all of it
    assert quotas["total"]["week"]["count"] == {"2024-23": 1.5}


@pytest.mark.django_db
def test_studio_keeps_the_people_of_that_studio(admin_api):
    paris = Studio.objects.create(name="Paris", color="#0000FF")
    ada = make_person(email="ada@example.com", studio_id=paris.pk)
    bo = make_person(email="bo@example.com")
    production = Production(team=[ada, bo])
    task = production.shot_task("SH01", assignees=[ada, bo], end_date=utc(2024, 6, 5, 12))
    log(task, ada, dt.date(2024, 6, 4), 30)
    log(task, bo, dt.date(2024, 6, 4), 30)
    for mode in ("weighted", "feedback"):
        quotas = admin_api.get(quotas_url(production, count_mode=mode, studio_id=paris.pk)).json()
        assert set(quotas) == {str(ada.pk), "total"}, mode
    assert_field_error(admin_api.get(quotas_url(production, studio_id="paris")), "studio_id")


@pytest.mark.django_db
def test_errors_and_visibility(admin_api, user, manager):
    production = Production(team=[user])
    assert_field_error(admin_api.get(quotas_url(production, count_mode="sometimes")), "count_mode")
    assert_field_error(admin_api.get(person_quotas_url(production, user, count_mode="x")), "count_mode")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert admin_api.get(f"/api/data/projects/{unknown}/quotas/{production.task_type.pk}").status_code == 404
    assert admin_api.get(f"/api/data/projects/{production.project.pk}/quotas/{unknown}").status_code == 404
    assert admin_api.get(f"/api/data/projects/{production.project.pk}/quotas/persons/{unknown}").status_code == 404
    # A project one is not on the team of is hidden, as everywhere in Roster.
    assert client_for(manager).get(quotas_url(production)).status_code == 404
    assert client_for(user).get(quotas_url(production)).status_code == 200
    assert client_for(user).get(person_quotas_url(production, manager)).status_code == 403


@pytest.mark.django_db
def test_query_counts_stay_the_same_as_shots_grow(admin_api, user):
    production = Production(team=[user])
    people = [make_person(email=f"p{i}@example.com") for i in range(3)]

    def add_shots(start, count):
        for i in range(start, start + count):
            logged = production.shot_task(f"SH{i:03d}", assignees=[user, *people], end_date=utc(2024, 6, 20, 12))
            for day, person in enumerate([user, *people], start=3):
                log(logged, person, dt.date(2024, 6, day), 30 + i)
            production.shot_task(f"SP{i:03d}", assignees=[user, people[i % 3]], real_start_date=utc(2024, 6, 3, 9),
                                 end_date=utc(2024, 6, 14, 9), done_date=utc(2024, 6, 4, 12))

    urls = [quotas_url(production), quotas_url(production, count_mode="feedback"),
            person_quotas_url(production, user, count_mode="weighteddone"),
            *[f"/api/data/persons/{user.pk}/quota-shots/{period}?project_id={production.project.pk}"
              f"&task_type_id={production.task_type.pk}&count_mode={mode}"
              for period in ("month/2024/06", "week/2024/23", "day/2024/06/04") for mode in ("weighted", "done")]]

    def measure():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = admin_api.get(url)
            assert response.status_code == 200 and response.json(), url
            counts.append(len(captured))
        return counts

    add_shots(0, 2)
    small = measure()
    add_shots(2, 12)
    assert measure() == small
    # The token, the project (and task type or person), then one statement for every person and shot.
    assert small[:3] == [4, 4, 4]
