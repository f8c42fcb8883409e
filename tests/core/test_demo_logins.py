"""The demo logins printed by `make run` must actually work."""
import pytest

from mentorhub.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_user
from mentorhub.db import db


@pytest.mark.parametrize("email,name,flags,tz", DEMO_LOGINS)
def test_demo_login_works(app, client, email, name, flags, tz):
    with app.app_context():
        demo_user(email, name, tz, **flags)
        db.session.commit()
    resp = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    assert name in client.get("/dashboard").get_data(as_text=True)


def test_test_domains_are_refused_in_production(app):
    from mentorhub.accounts.queries import normalize_email
    from mentorhub.errors import ValidationError

    app.config["EMAIL_ALLOW_TEST_DOMAINS"] = False
    with app.app_context(), pytest.raises(ValidationError):
        normalize_email("learner@mentorhub.test")
