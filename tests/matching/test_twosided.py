"""Two-sided matches: the ranking weighs the chance the mentor accepts, from the mentor's stated
preferences (learner stages, fields, languages) and past decisions, and the reason names it."""
from __future__ import annotations

import numpy as np
import pytest

from mentorhub import match_events
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import ValidationError
from mentorhub.matching import suggestions, twosided
from mentorhub.matching.index import get_index
from mentorhub.profiles import services as profiles
from mentorhub.profiles.models import MentorProfile

EVENING = [(1, 18 * 60, 21 * 60)]


def mentor_kw(**kw):
    return dict(skills={"pytorch": 4}, domains=["nlp"], windows=EVENING, bio="I fine-tune models", **kw)


@pytest.fixture
def learner(fresh_index, make_learner):
    return make_learner(skills={"python": 1}, wanted=["pytorch"], windows=EVENING, stage="foundations",
                        languages="Deutsch, English")


def ranked(app, learner):
    with app.app_context():
        return suggestions.mentor_matches(db.session.get(User, learner.user_id))


def test_a_mentor_who_prefers_your_stage_ranks_above_an_equal_one_who_prefers_another(
        app, learner, make_mentor, make_user):
    other = make_mentor(make_user(display_name="Olga Other"), pref_stages=["deployment"], **mentor_kw())
    marco = make_mentor(make_user(display_name="Marco Mentor"), pref_stages=["foundations"], **mentor_kw())
    found = ranked(app, learner)
    assert [s.user.id for s in found] == [marco.user_id, other.user_id]
    assert found[0].reason.endswith("Marco mentors people at your stage.")
    assert found[1].reason.endswith("Olga usually mentors people at other roadmap stages.")
    assert found[0].acceptance > found[1].acceptance
    assert found[0].score == pytest.approx(found[1].score)  # the same fit; only the chance differs
    app.config["MATCH_ACCEPT_WEIGHT"] = 0.0  # switched off: the tie goes to the earlier profile
    assert [s.user.id for s in ranked(app, learner)] == [other.user_id, marco.user_id]


def test_past_decisions_count_most_for_learners_at_the_same_stage(app, learner, make_mentor, make_learner):
    picky = make_mentor(**mentor_kw())
    keen = make_mentor(**mentor_kw())
    peers = [make_learner(stage="foundations") for _ in range(3)]
    with app.app_context():
        for p in peers:
            match_events.record(match_events.REQUEST_DECLINED, p.user_id, picky.user_id)
            match_events.record(match_events.REQUEST_ACCEPTED, p.user_id, keen.user_id)
        db.session.commit()
    found = ranked(app, learner)
    assert [s.user.id for s in found] == [keen.user_id, picky.user_id]
    assert "has taken on 3 learners at your stage." in found[0].reason


def test_a_mentor_in_your_language_is_named_and_one_in_none_of_yours_sinks(app, learner, make_mentor, make_user):
    english_only = make_mentor(make_user(display_name="Ann Brown"), languages="French", **mentor_kw())
    german = make_mentor(make_user(display_name="Jonas Weber"), languages="deutsch", **mentor_kw())
    found = ranked(app, learner)
    assert [s.user.id for s in found] == [german.user_id, english_only.user_id]
    assert found[0].reason.endswith("Jonas mentors in Deutsch.")
    assert found[1].reason.endswith("Ann usually mentors in other languages.")


def test_preferences_are_checked_and_saved(app, make_mentor):
    mentor = make_mentor(pref_stages=["foundations", "core-ml"], pref_domains=["nlp"], languages="English,  Deutsch")
    with app.app_context():
        row = db.session.get(MentorProfile, mentor.id)
        assert (row.pref_stages, row.pref_domains, row.languages) == ("foundations,core-ml", "nlp", "english,deutsch")
        user = db.session.get(User, mentor.user_id)
        for bad, field in (({"pref_stages": ["astronaut"]}, "pref_stages"), ({"pref_domains": ["cooking"]}, "pref_domains"),
                           ({"languages": "English; <b>"}, "languages")):
            with pytest.raises(ValidationError) as exc:
                profiles.save_mentor(user, user, bad)
            assert exc.value.field == field
            db.session.rollback()
        assert db.session.get(MentorProfile, mentor.id).pref_stages == "foundations,core-ml"


def test_the_mentor_form_shows_and_saves_preferences(app, client, login_as, make_mentor):
    mentor = make_mentor()
    login_as(mentor.user)
    page = client.get("/profile/mentor").get_data(as_text=True)
    assert 'name="pref_stages"' in page and 'name="pref_domains"' in page and 'name="languages"' in page


def test_the_profile_page_shows_the_preferences(app, client, make_mentor):
    mentor = make_mentor(pref_stages=["foundations"], languages="English, Deutsch")
    page = client.get(f"/people/{mentor.user_id}").get_data(as_text=True)
    assert "Mentors in</dt><dd>English, Deutsch" in page
    assert "learners at the foundations stage" in page


def test_the_pool_stops_only_when_no_mentor_left_out_could_overtake(app, learner, make_mentor, make_learner,
                                                                     monkeypatch):
    """With a tiny starting pool the ranking must still equal re-ranking every mentor: the best
    chance any mentor has (from every recorded answer) bounds what a left-out mentor can gain."""
    monkeypatch.setattr(twosided, "POOL_MIN", 2)
    levels = [2, 3, 4]
    mentors = [make_mentor(**{**mentor_kw(), "skills": {"pytorch": levels[n % 3], "python": 1 + n % 4}})
               for n in range(14)]
    peers = [make_learner(stage="foundations") for _ in range(4)]
    with app.app_context():
        for n, m in enumerate(mentors):
            for p in peers[: n % 5]:  # from no answers to four, half of them yes
                kind = match_events.REQUEST_ACCEPTED if (n + p.user_id) % 2 else match_events.REQUEST_DECLINED
                match_events.record(kind, p.user_id, m.user_id)
        db.session.commit()
        index = get_index()
        i = index.learner_row[learner.user_id]
        everyone = index.scorer.top_mentors(i, len(mentors) + 1, exclude=set(), min_score=0.0,
                                            mask=np.ones(index.scorer.n_mentors, bool))
        found = twosided.chances(index, learner.user_id, index.mentor_users[everyone.index])
        weight = app.config["MATCH_ACCEPT_WEIGHT"]
        best = sorted((s * twosided.factor(found[int(u)].value, weight)
                       for s, u in zip(everyone.score, index.mentor_users[everyone.index])), reverse=True)[:3]
        rows, chance = twosided.top_mentors(index, i, learner.user_id, 3, set(), 0.0,
                                            np.ones(index.scorer.n_mentors, bool))
        raw = dict(zip(everyone.index.tolist(), everyone.score.tolist()))
        adjusted = [raw[r] * twosided.factor(chance[int(index.mentor_users[r])].value, weight) for r in rows]
    assert adjusted == pytest.approx(best)
    assert twosided.best_chance(index) > 0.5  # a mentor who said yes more often than not raises the bound
