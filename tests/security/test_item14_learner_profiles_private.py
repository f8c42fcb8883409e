"""Item 14: learner profiles are for members unless made public; mentor profiles stay public; a
logged-out visitor cannot tell a private profile from a missing id."""
from __future__ import annotations

from mentorhub.db import db
from mentorhub.profiles.models import LearnerProfile
from support import PASSWORD

FORM = {"headline": "Learning ML in public", "background": "student", "goals": "Ship things",
        "target_track": "ml_engineer", "stage": "projects", "hours_per_week": "8", "timezone": "UTC"}


def _body(resp) -> tuple[int, str]:
    return resp.status_code, resp.get_data(as_text=True)


def test_item14_learner_profiles_private_by_default(on_any):
    app = on_any.app
    client = app.test_client()
    learner = on_any.make_learner(headline="Private learner headline").user
    mentor = on_any.make_mentor(headline="Mentor headline").user
    both = on_any.make_learner(headline="Learner side of a mentor").user
    on_any.make_mentor(user=both, headline="Mentor side")
    missing = max(learner.id, mentor.id, both.id) + 1000

    private, absent = _body(client.get(f"/people/{learner.id}")), _body(client.get(f"/people/{missing}"))
    assert private[0] == absent[0] == 404
    assert "Private learner headline" not in private[1]
    assert private[1] == absent[1]
    assert "Mentor headline" in client.get(f"/people/{mentor.id}").get_data(as_text=True)
    page = client.get(f"/people/{both.id}").get_data(as_text=True)
    assert "Mentor side" in page and "Learner side of a mentor" not in page

    member = on_any.make_user()
    logged_in = app.test_client()
    logged_in.post("/login", data={"email": member.email, "password": PASSWORD})
    assert "Private learner headline" in logged_in.get(f"/people/{learner.id}").get_data(as_text=True)


def test_item14_learner_can_make_profile_public(on_any):
    app = on_any.app
    user = on_any.make_user(timezone="UTC")
    owner = app.test_client()
    owner.post("/login", data={"email": user.email, "password": PASSWORD})
    assert 'name="is_public"' in owner.get("/profile/learner").get_data(as_text=True)
    assert owner.post("/profile/learner", data={**FORM, "is_public": "y"}).status_code == 302
    with app.app_context():
        assert db.session.query(LearnerProfile).filter_by(user_id=user.id).one().is_public
    assert "Learning ML in public" in app.test_client().get(f"/people/{user.id}").get_data(as_text=True)
    assert owner.post("/profile/learner", data=FORM).status_code == 302  # unticked: members only again
    assert app.test_client().get(f"/people/{user.id}").status_code == 404
