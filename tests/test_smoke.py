from tests.factories import PASSWORD


def test_login_and_list(admin, user, anon_api, admin_api):
    response = anon_api.post("/api/auth/login", {"email": "john.did@gmail.com", "password": PASSWORD},
                             format="json")
    assert response.status_code == 200, response.content
    assert response.json()["login"] is True
    response = admin_api.get("/api/data/persons")
    assert response.status_code == 200, response.content
    assert {p["email"] for p in response.json()} == {"john.did@gmail.com", "john.doe@gmail.com"}
