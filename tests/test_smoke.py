def test_health(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok"}


def test_every_demo_account_logs_in(app):
    from app.demo import USERS
    from tests.conftest import login

    for username, *_ in USERS:
        client = login(app.test_client(), username)
        home = client.get("/")
        assert home.status_code == 200, username
        assert "Hoş geldiniz" in home.get_data(as_text=True)
