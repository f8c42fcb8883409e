"""?sort=match with the real matching engine: the learner's best-fitting idea comes first."""
from __future__ import annotations


def test_sort_by_match_uses_the_matching_engine(app, fresh_index, login_as, make_project, make_learner, make_user):
    owner = make_user()
    make_project(owner=owner, title="Audio idea", domains=["speech"],
                 required_skills=[{"skill": "tensorflow", "level": 3}], learn_skills=["edge-deployment"],
                 difficulty="advanced", description="Spectrograms on a microcontroller.")
    make_project(owner=owner, title="Text idea", domains=["nlp"],
                 required_skills=[{"skill": "python", "level": 2}], learn_skills=["pytorch", "transformers"],
                 difficulty="beginner", description="Fine-tune a small language model on reviews.")
    learner = make_learner(skills={"python": 3}, wanted=["pytorch", "transformers"], domains=["nlp"])
    c = login_as(learner.user, app.test_client())
    resp = c.get("/projects?sort=match")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert body.index("Text idea") < body.index("Audio idea")
    assert "Match " in body
