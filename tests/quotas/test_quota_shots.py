"""`/api/data/persons/<id>/quota-shots/{month,week,day}/...` (zou-api.md 5 #21-#23 and 8).

Every expected weight below is worked out by hand in the comments, from the rules of section 8: raw modes count
a whole shot whose feedback (or done) date falls in the person's local period; weighted modes count the
person's share of the task's logged minutes logged in the period, or, for a task nobody logged time on, the
share of its business days (WIP date to feedback or done date, local days) that fall in the period."""

import datetime as dt

import pytest

from tests.conftest import assert_field_error, client_for, make_person
from tests.quotas.production import Production, log, utc
from tests.timetracking.factories import EntityFactory, entity_type
from timetracking.models import Task

PARIS = "Europe/Paris"  # UTC+2 in summer
LOS_ANGELES = "America/Los_Angeles"  # UTC-7 in summer
EVENTS = {"weighted": "end_date", "weighteddone": "done_date", "feedback": "end_date", "done": "done_date"}


def shots_url(person, period: str, production: Production, **params) -> str:
    query = {"project_id": production.project.pk, "task_type_id": production.task_type.pk, **params}
    return (f"/api/data/persons/{person.pk}/quota-shots/{period}?"
            + "&".join(f"{key}={value}" for key, value in query.items()))


def weights(response) -> dict[str, float]:
    assert response.status_code == 200, response.content
    return {shot["name"]: shot["weight"] for shot in response.json()}


# Zou's own check (section 10, item 34) ------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("count_mode", ["feedback", "done"])
def test_zou_item_34_a_shot_is_listed_in_its_month_week_and_day_only(admin_api, user, count_mode):
    production = Production(team=[user])
    production.shot_task("SH01", assignees=[user], **{EVENTS[count_mode]: utc(2024, 6, 4, 10)})
    listed = {"month/2024/06", "week/2024/23", "day/2024/06/04"}
    for period in [*listed, "month/2024/05", "week/2024/22", "day/2024/06/03"]:
        response = admin_api.get(shots_url(user, period, production, count_mode=count_mode))
        assert weights(response) == ({"SH01": 1.0} if period in listed else {}), period


@pytest.mark.django_db
def test_the_shot_dict_carries_full_name_and_weight_sorted_by_full_name(admin_api, user):
    production = Production(team=[user])
    episode = EntityFactory(project=production.project, name="EP01", entity_type=entity_type("Episode"),
                            nb_frames=None)
    sequence_in_episode = EntityFactory(project=production.project, name="SE02", parent=episode,
                                        entity_type=entity_type("Sequence"), nb_frames=None)
    event = {"end_date": utc(2024, 6, 4, 10)}
    production.shot_task("SH09", assignees=[user], **event)  # SE01 / SH09
    production.shot_task("SH01", assignees=[user], parent=sequence_in_episode, **event)  # EP01 / SE02 / SH01
    production.shot_task("SH05", assignees=[user], **event)  # SE01 / SH05

    response = admin_api.get(shots_url(user, "month/2024/06", production, count_mode="feedback"))

    shots = response.json()
    assert [shot["full_name"] for shot in shots] == ["EP01 / SE02 / SH01", "SE01 / SH05", "SE01 / SH09"]
    first = shots[1]
    assert first["type"] == "Entity" and first["weight"] == 1.0 and isinstance(first["weight"], float)
    assert first["parent_id"] == str(production.sequence.pk)
    assert first["project_id"] == str(production.project.pk) and first["nb_frames"] == 48
    assert {"id", "name", "code", "description", "entity_type_id", "data", "created_at"} <= set(first)


# Every count mode, around a period, with and without logged time, in two timezones ---------------------------

def build_cases(production: Production, person, other, *, event: str):
    """One shot per case; `event` is the column the mode reads (the other stays empty)."""
    def task(name, start=None, at=None):
        return production.shot_task(name, assignees=[person], real_start_date=start, **{event: at})

    # Without logged time.
    task("A-inside", utc(2024, 6, 10, 9), utc(2024, 6, 12, 15))
    task("B-before", utc(2024, 5, 6, 9), utc(2024, 5, 8, 15))
    task("C-after", utc(2024, 7, 8, 9), utc(2024, 7, 10, 15))
    task("D-straddles-start", utc(2024, 5, 27, 9), utc(2024, 6, 4, 15))
    task("E-straddles-end", utc(2024, 6, 27, 9), utc(2024, 7, 2, 15))
    # Sunday 2024-06-30 23:30 UTC is already Monday 1 July in Paris, still Sunday 30 June in Los Angeles.
    task("F-late-sunday", utc(2024, 6, 28, 10), utc(2024, 6, 30, 23, 30))
    # With logged time (the event date only has to be set).
    g = task("G-logged-inside", None, utc(2024, 7, 15, 12))
    log(g, person, dt.date(2024, 6, 5), 300)
    log(g, other, dt.date(2024, 6, 6), 100)
    h = task("H-logged-before", None, utc(2024, 6, 3, 12))
    log(h, person, dt.date(2024, 5, 30), 200)
    i = task("I-logged-after", None, utc(2024, 6, 28, 12))
    log(i, person, dt.date(2024, 7, 1), 200)
    j = task("J-logged-straddles-start", None, utc(2024, 6, 4, 12))
    log(j, person, dt.date(2024, 5, 31), 100)
    log(j, person, dt.date(2024, 6, 3), 300)
    k = task("K-logged-straddles-end", None, utc(2024, 7, 2, 12))
    log(k, person, dt.date(2024, 6, 28), 150)
    log(k, person, dt.date(2024, 7, 1), 50)
    # A logged day is a plain date: 1 June counts in June wherever the person lives, 31 May never does.
    m = task("M-logged-first-day", None, utc(2024, 6, 20, 12))
    log(m, person, dt.date(2024, 5, 31), 100)
    log(m, person, dt.date(2024, 6, 1), 100)
    # The event date of the other mode only: never counted.
    production.shot_task("N-other-event", assignees=[person], real_start_date=utc(2024, 6, 10, 9),
                         **{("done_date" if event == "end_date" else "end_date"): utc(2024, 6, 12, 15)})


WEIGHTED_JUNE = {
    # A: Mon 10 to Wed 12 June, 3 business days, all in June: 3/3.
    "A-inside": 1.0,
    # D: Mon 27 May to Tue 4 June: 27, 28, 29, 30, 31 May, 3, 4 June = 7 business days, 2 in June: 2/7 = 0.2857.
    "D-straddles-start": 0.29,
    # E: Thu 27 June to Tue 2 July: 27, 28 June, 1, 2 July = 4 business days, 2 in June: 2/4.
    "E-straddles-end": 0.5,
    # G: 300 of the task's 400 minutes, logged on 5 June; the feedback in July does not matter.
    "G-logged-inside": 0.75,
    # J: 300 of 400 minutes logged in June (3 June); the 100 of 31 May are May's.
    "J-logged-straddles-start": 0.75,
    # K: 150 of 200 minutes logged on 28 June; 1 July is July's.
    "K-logged-straddles-end": 0.75,
    # M: 100 of 200 minutes on 1 June.
    "M-logged-first-day": 0.5,
}
# F in Paris: Fri 28 June to Mon 1 July (local), 2 business days, 1 in June: 1/2. In Los Angeles: Fri 28 to
# Sun 30 June, 1 business day, in June: 1/1.
WEIGHTED_F = {PARIS: 0.5, LOS_ANGELES: 1.0}
# Raw: whole shots whose event is in the person's June: A, D (4 June), F only in Los Angeles (30 June local),
# H (3 June), I (28 June), J (4 June), M (20 June); not B, C, E, G, K (May or July).
RAW_JUNE = {"A-inside": 1.0, "D-straddles-start": 1.0, "H-logged-before": 1.0, "I-logged-after": 1.0,
            "J-logged-straddles-start": 1.0, "M-logged-first-day": 1.0}


@pytest.mark.django_db
@pytest.mark.parametrize("timezone", [PARIS, LOS_ANGELES])
@pytest.mark.parametrize("count_mode", ["weighted", "weighteddone", "feedback", "done"])
def test_every_count_mode_around_the_month(admin_api, count_mode, timezone):
    person = make_person(email="ada@example.com", first_name="Ada", timezone=timezone)
    other = make_person(email="bo@example.com", first_name="Bo")
    production = Production(team=[person, other])
    build_cases(production, person, other, event=EVENTS[count_mode])

    got = weights(admin_api.get(shots_url(person, "month/2024/06", production, count_mode=count_mode)))

    if count_mode.startswith("weighted"):
        assert got == {**WEIGHTED_JUNE, "F-late-sunday": WEIGHTED_F[timezone]}
    else:
        assert got == {**RAW_JUNE, **({"F-late-sunday": 1.0} if timezone == LOS_ANGELES else {})}


@pytest.mark.django_db
@pytest.mark.parametrize("timezone", [PARIS, LOS_ANGELES])
def test_the_week_and_the_day_follow_the_person_timezone(admin_api, timezone):
    person = make_person(email="ada@example.com", first_name="Ada", timezone=timezone)
    production = Production(team=[person])
    build_cases(production, person, make_person(email="bo@example.com"), event="end_date")

    # ISO week 26 is Mon 24 to Sun 30 June; week 27 starts Mon 1 July.
    week_26 = weights(admin_api.get(shots_url(person, "week/2024/26", production, count_mode="weighted")))
    week_27 = weights(admin_api.get(shots_url(person, "week/2024/27", production, count_mode="weighted")))
    if timezone == PARIS:
        # E: 27, 28 June of 4 days; K: 150 of 200 minutes on 28 June; F: Fri 28 of (28 June, 1 July).
        assert week_26 == {"E-straddles-end": 0.5, "K-logged-straddles-end": 0.75, "F-late-sunday": 0.5}
        # E: 1, 2 July of 4; K: 50 of 200 on 1 July; I: all its 200 minutes on 1 July; F: Mon 1 July of 2.
        assert week_27 == {"E-straddles-end": 0.5, "K-logged-straddles-end": 0.25, "I-logged-after": 1.0,
                           "F-late-sunday": 0.5}
    else:
        assert week_26 == {"E-straddles-end": 0.5, "K-logged-straddles-end": 0.75, "F-late-sunday": 1.0}
        assert week_27 == {"E-straddles-end": 0.5, "K-logged-straddles-end": 0.25, "I-logged-after": 1.0}

    raw_30 = weights(admin_api.get(shots_url(person, "day/2024/06/30", production, count_mode="feedback")))
    raw_1 = weights(admin_api.get(shots_url(person, "day/2024/07/01", production, count_mode="feedback")))
    assert (raw_30, raw_1) == (({}, {"F-late-sunday": 1.0}) if timezone == PARIS else
                               ({"F-late-sunday": 1.0}, {}))


@pytest.mark.django_db
def test_only_the_person_assigned_shots_of_the_project_and_task_type_count(admin_api, user):
    production = Production(team=[user])
    other = make_person(email="bo@example.com")
    at = {"end_date": utc(2024, 6, 4, 10)}
    production.shot_task("SH01", assignees=[user], **at)
    production.shot_task("SH02", assignees=[other], **at)  # someone else's
    production.shot_task("SH03", assignees=[user], task_type=Production().task_type, **at)  # another task type
    Production(team=[user]).shot_task("SH04", assignees=[user], **at)  # another project
    asset = EntityFactory(project=production.project, name="Hero", entity_type=entity_type("Character"))
    on_asset = production.shot_task("SH05", assignees=[user], **at)
    Task.objects.filter(pk=on_asset.pk).update(entity=asset)  # not a shot (the services refuse the mismatch)
    assert weights(admin_api.get(shots_url(user, "month/2024/06", production, count_mode="feedback"))) == {
        "SH01": 1.0}


@pytest.mark.django_db
def test_weighted_shares_sum_to_one_across_the_people_who_logged_time(admin_api):
    people = [make_person(email=f"p{i}@example.com", first_name=f"P{i}") for i in range(4)]
    production = Production(team=people)
    task = production.shot_task("SH01", assignees=people[:1], end_date=utc(2024, 6, 20, 12))
    for person, minutes in zip(people, (60, 120, 180, 240), strict=True):  # 600 minutes in all
        log(task, person, dt.date(2024, 6, 3), minutes)
    # 60/600, 120/600, 180/600, 240/600.
    shares = [weights(admin_api.get(shots_url(person, "month/2024/06", production)))["SH01"] for person in people]
    assert shares == [0.1, 0.2, 0.3, 0.4] and sum(shares) == pytest.approx(1)

    thirds = production.shot_task("SH02", assignees=people[:1], end_date=utc(2024, 6, 20, 12))
    for person in people[:3]:
        log(thirds, person, dt.date(2024, 6, 4), 100)
    shares = [weights(admin_api.get(shots_url(person, "week/2024/23", production)))["SH02"] for person in people[:3]]
    assert shares == [0.33, 0.33, 0.33] and abs(sum(shares) - 1) <= 0.0100001


# Parameters and permissions ------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["project_id", "task_type_id"])
def test_a_missing_project_or_task_type_is_a_400_naming_it(admin_api, user, missing):
    production = Production()
    given = {"project_id": production.project.pk, "task_type_id": production.task_type.pk}
    del given[missing]
    query = "&".join(f"{key}={value}" for key, value in given.items())
    assert_field_error(admin_api.get(f"/api/data/persons/{user.pk}/quota-shots/month/2024/06?{query}"), missing)


@pytest.mark.django_db
def test_bad_parameters_are_400s_naming_them(admin_api, user):
    production = Production()
    assert_field_error(admin_api.get(shots_url(user, "month/2024/06", production, count_mode="often")),
                       "count_mode")
    assert_field_error(admin_api.get(shots_url(user, "month/2024/13", production)), "month")
    assert_field_error(admin_api.get(shots_url(user, "week/2024/54", production)), "week")
    assert_field_error(admin_api.get(shots_url(user, "day/2024/02/30", production)), "day")
    assert_field_error(admin_api.get(shots_url(user, "month/twenty/06", production)), "year")
    assert admin_api.get(shots_url(user, "month/2024/06", production, project_id="nope")).status_code == 400
    unknown = admin_api.get(shots_url(user, "month/2024/06", production,
                                      task_type_id="00000000-0000-4000-8000-000000000000"))
    assert_field_error(unknown, "task_type_id")
    assert admin_api.get(shots_url(user, "week/2020/53", production)).status_code == 200  # 2020 had 53 weeks


@pytest.mark.django_db
def test_who_may_read_whose_quota_shots(user, manager, supervisor, bot):
    on_team = Production(team=[manager, user])
    elsewhere = Production(team=[user])
    # A manager reads anyone's on their projects, not on the others (Zou's check_manager_project_access).
    assert client_for(manager).get(shots_url(user, "month/2024/06", on_team)).status_code == 200
    assert client_for(manager).get(shots_url(user, "month/2024/06", elsewhere)).status_code == 403
    # Everyone else: their own only.
    assert client_for(user).get(shots_url(user, "month/2024/06", elsewhere)).status_code == 200
    assert client_for(supervisor).get(shots_url(user, "month/2024/06", on_team)).status_code == 403
    assert client_for(user).get(shots_url(manager, "month/2024/06", on_team)).status_code == 403
    # A bot has no quotas; an unknown person is a 404.
    assert client_for(manager).get(shots_url(bot, "month/2024/06", on_team)).status_code == 403
    missing = shots_url(user, "month/2024/06", on_team).replace(str(user.pk), "00000000-0000-4000-8000-000000000000")
    assert client_for(manager).get(missing).status_code == 404
