"""gazu 1.3.1's quota calls against a live Roster server: `gazu.project.get_project_quotas`,
`get_project_person_quotas`, and the person quota-shots routes (which gazu has no helper for: a script reads
them with `gazu.client.fetch_all`)."""

import datetime as dt

import gazu
import pytest
from gazu.exception import NotAllowedException, ParameterException

from tests.conftest import PASSWORD, make_person
from tests.quotas.production import Production, log, utc

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gazu_host(live_server):
    host = f"{live_server.url}/api"
    gazu.set_host(host)
    yield host
    gazu.client.default_client.tokens = {"access_token": None, "refresh_token": None}


def test_gazu_reads_project_and_person_quotas(gazu_host):
    make_person(role="admin", email="john.did@gmail.com", first_name="John", last_name="Did")
    artist = make_person(email="john.doe@gmail.com", first_name="John", last_name="Doe")
    production = Production(team=[artist], fps="24")
    # The documented example: 48 frames at 24 fps, 500 minutes on 4 June and 60 on 1 July, feedback on 5 June.
    task = production.shot_task("SH01", assignees=[artist], end_date=utc(2024, 6, 5, 12))
    log(task, artist, dt.date(2024, 6, 4), 500)
    log(task, artist, dt.date(2024, 7, 1), 60)

    gazu.log_in("john.did@gmail.com", PASSWORD)
    project = {"id": str(production.project.pk)}
    quotas = gazu.project.get_project_quotas(project, {"id": str(production.task_type.pk)})
    assert set(quotas) == {str(artist.pk), "total"}
    # 500/560 and 60/560 of the shot: 0.89 and 0.11, 43 and 5 frames.
    assert quotas[str(artist.pk)]["month"]["count"] == {"2024-06": 0.89, "2024-07": 0.11}
    assert quotas["total"]["month"]["frames"] == {"2024-06": 43, "2024-07": 5}
    assert quotas["total"]["year"]["count"] == {"2024": 1.0}

    person_quotas = gazu.project.get_project_person_quotas(project, str(artist.pk))
    assert set(person_quotas) == {str(production.task_type.pk), "total"}
    assert person_quotas["total"]["week"]["frames"] == {"2024-23": 43, "2024-27": 5}

    path = f"persons/{artist.pk}/quota-shots/month/2024/06"
    params = {"project_id": str(production.project.pk), "task_type_id": str(production.task_type.pk)}
    [shot] = gazu.client.fetch_all(path, params=params)
    assert (shot["full_name"], shot["weight"]) == ("SE01 / SH01", 0.89)
    [shot] = gazu.client.fetch_all(path, params={**params, "count_mode": "feedback"})
    assert shot["weight"] == 1.0
    assert gazu.client.fetch_all(f"persons/{artist.pk}/quota-shots/week/2024/27", params=params)[0]["weight"] == 0.11
    assert gazu.client.fetch_all(f"persons/{artist.pk}/quota-shots/day/2024/06/05",
                                 params={**params, "count_mode": "feedback"})[0]["name"] == "SH01"
    with pytest.raises(ParameterException):
        gazu.client.fetch_all(path, params={"project_id": params["project_id"]})

    # The artist reads their own quota shots, not someone else's statistics.
    other = gazu.client.create_client(gazu_host)
    gazu.log_in("john.doe@gmail.com", PASSWORD, client=other)
    assert gazu.client.fetch_all(path, params=params, client=other)[0]["name"] == "SH01"
    boss = make_person(role="manager", email="boss@gmail.com")
    with pytest.raises(NotAllowedException):
        gazu.client.fetch_all(f"projects/{production.project.pk}/quotas/persons/{boss.pk}", client=other)
