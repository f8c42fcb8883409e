def test_register_login_dashboard(client, make_user, login_as):
    resp = client.post("/register", data={"display_name": "Nia", "email": "nia@example.com",
                                          "password": "quiet-harbour-violet-77"})
    assert resp.status_code == 302
    assert client.get("/dashboard").status_code == 200
    user = make_user()
    c2 = login_as(user, client.application.test_client())
    assert "User" in c2.get("/dashboard").get_data(as_text=True)


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json["database"] == "ok"
