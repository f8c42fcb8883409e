"""Projects over HTTP: public catalogue, forms (400 and nothing written on bad input), rights."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.projects import applications, ideas, milestones, queries
from mentorhub.projects.models import Milestone, Project, ProjectApplication, ProjectMember

MOTIVATION = "I cleaned plenty of messy data at work and want to deploy a model."


def form_data(**overrides) -> dict:
    data = {
        "title": "Sentiment of support tickets", "summary": "Classify ticket sentiment in two languages.",
        "description": "Start with **TF-IDF**.", "repo_url": "https://example.org/t/repo", "issues_url": "",
        "domains": ["nlp"], "required_skills-0-skill": "python", "required_skills-0-level": "2",
        "required_skills-1-skill": "", "required_skills-1-level": "2", "learn_skills": ["transformers"],
        "difficulty": "beginner", "hours_per_week": "4", "duration_weeks": "6", "dataset_name": "",
        "dataset_url": "", "dataset_licence": "", "compute": "laptop_cpu", "eval_metric": "macro F1",
        "seats": "3",
    }
    data.update(overrides)
    return data


def n(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def get(app, model, id_):
    with app.app_context():
        obj = db.session.get(model, id_)
        db.session.expunge_all()
        return obj


# ---- anonymous visitors -------------------------------------------------------------------------


def test_catalogue_and_detail_are_public(client, make_project):
    project = make_project(title="Public bird classifier")
    assert "Public bird classifier" in client.get("/projects").get_data(as_text=True)
    body = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Log in</a> to apply" in body
    assert client.get("/projects/999999").status_code == 404


PROTECTED = [
    ("get", "/projects/new"), ("get", "/projects/mine"), ("get", "/projects/{id}/team"),
    ("get", "/projects/{id}/apply"), ("post", "/projects/{id}/apply"), ("get", "/projects/{id}/edit"),
    ("get", "/projects/{id}/applications"), ("post", "/projects/{id}/leave"),
    ("post", "/projects/{id}/champion"), ("post", "/projects/{id}/milestones"),
]


def test_login_required(client, make_project):
    project = make_project()
    for method, path in PROTECTED:
        resp = getattr(client, method)(path.format(id=project.id))
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path


# ---- catalogue filters ---------------------------------------------------------------------------


def test_filters_from_the_query_string(client, make_project, make_user):
    owner = make_user()
    make_project(owner=owner, title="Street photo detector", domains=["computer-vision"], compute="one_gpu")
    make_project(owner=owner, title="Ticket sentiment", domains=["nlp"], difficulty="beginner")
    body = client.get("/projects?domain=computer-vision").get_data(as_text=True)
    assert "Street photo detector" in body and "Ticket sentiment" not in body
    body = client.get("/projects?difficulty=beginner&q=ticket").get_data(as_text=True)
    assert "Ticket sentiment" in body and "Street photo detector" not in body
    body = client.get("/projects?compute=cluster").get_data(as_text=True)
    assert "No idea matches" in body
    # garbage in the query string is ignored, not an error
    resp = client.get("/projects?difficulty=<script>&sort=drop&page=abc&max_hours=1e400")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Street photo detector" in body and "Ticket sentiment" in body
    assert "<script>" not in body


def test_stale_ideas_hidden_unless_asked(app, client, make_project, frozen):
    start = datetime(2026, 2, 1, tzinfo=timezone.utc)
    frozen(start)
    make_project(title="Forgotten idea")
    frozen(start + timedelta(days=app.config["PROJECT_STALE_DAYS"] + 2))
    make_project(title="Busy idea")
    body = client.get("/projects").get_data(as_text=True)
    assert "Busy idea" in body and "Forgotten idea" not in body
    body = client.get("/projects?stale=1").get_data(as_text=True)
    assert "Forgotten idea" in body and 'data-testid="stale-badge"' in body


def test_match_sort_only_for_learners(app, client, login_as, make_project, make_learner, make_user,
                                      monkeypatch):
    low = make_project(title="Low match idea")
    high = make_project(title="High match idea")
    calls = []

    def fake_scores(user):
        calls.append(user.id)
        return {low.id: 0.1, high.id: 0.9}

    monkeypatch.setattr(queries, "_match_scorer", [fake_scores])  # what create_app registers
    plain = login_as(make_user(), app.test_client())
    body = plain.get("/projects?sort=match").get_data(as_text=True)
    assert "Best match for me" not in body and calls == []
    learner = make_learner()
    c = login_as(learner.user, app.test_client())
    body = c.get("/projects").get_data(as_text=True)
    assert "Best match for me" in body
    body = c.get("/projects?sort=match").get_data(as_text=True)
    assert calls == [learner.user_id]
    assert body.index("High match idea") < body.index("Low match idea")
    assert "Match 90%" in body


# ---- proposing and editing ----------------------------------------------------------------------


def test_propose_an_idea(app, client, login_as, make_user, taxonomy):
    login_as(make_user())
    assert client.get("/projects/new").status_code == 200
    resp = client.post("/projects/new", data=form_data())
    assert resp.status_code == 302
    with app.app_context():
        project = db.session.scalar(select(Project))
        assert project.title == "Sentiment of support tickets"
        assert [(s.skill.slug, s.min_level) for s in project.required_skills] == [("python", 2)]
        assert [s.skill.slug for s in project.learn_skills] == ["transformers"]


BAD_FORMS = [
    ({"seats": "-2"}, "The team size must be a whole number from 1 to"),
    ({"seats": "lots"}, "Not a valid integer value"),
    ({"repo_url": "javascript:alert(1)"}, "full web address"),
    ({"required_skills-0-skill": "mind-reading"}, "Unknown skill: mind-reading"),
    ({"learn_skills": ["nope"]}, "Unknown skill: nope"),
    ({"domains": ["astrology"]}, "Unknown domain: astrology"),
    ({"title": "t" * 500}, "A title is too long"),
    ({"title": ""}, "Please fill in a title"),
    ({"compute": "mainframe"}, "Choose the compute needed from the list"),
]


def test_bad_idea_form_is_400_and_writes_nothing(app, client, login_as, make_user, taxonomy):
    login_as(make_user())
    for overrides, message in BAD_FORMS:
        resp = client.post("/projects/new", data=form_data(**overrides))
        assert resp.status_code == 400, overrides
        assert message in resp.get_data(as_text=True), overrides
        assert n(app, Project) == 0 and n(app, Milestone) == 0


def test_only_managers_edit(app, client, login_as, make_project, make_user):
    owner = make_user()
    project = make_project(owner=owner, title="Original title")
    login_as(make_user())
    resp = client.get(f"/projects/{project.id}/edit")
    assert resp.status_code == 403
    assert "Only the owner, the champion or an admin can do that." in resp.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/edit", data=form_data(title="Stolen")).status_code == 403
    assert client.post(f"/projects/{project.id}/status", data={"status": "archived"}).status_code == 403
    assert get(app, Project, project.id).title == "Original title"
    c = login_as(owner, app.test_client())
    page = c.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="Original title"' in page
    chosen = page[page.index('id="need"'):page.index('data-picker-empty')]  # the picker lists the chosen skill
    assert 'name="need-python"' in chosen and "selected>" in chosen
    assert c.post(f"/projects/{project.id}/edit", data=form_data(title="Better title")).status_code == 302
    assert get(app, Project, project.id).title == "Better title"
    assert c.post(f"/projects/{project.id}/status", data={"status": "in_progress"}).status_code == 302
    assert get(app, Project, project.id).status == "in_progress"


def test_markdown_is_sanitised_in_the_page(client, make_project):
    project = make_project(description=(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click me](javascript:alert(3)) and [docs](https://example.org/docs)"))
    body = client.get(f"/projects/{project.id}").get_data(as_text=True)
    desc = body.split('data-testid="description">', 1)[1].split("</section>", 1)[0]
    assert "<script" not in desc and "onerror" not in desc.replace("onerror=alert(2)&gt;", "")
    assert "javascript:" not in desc.split("click me")[0][-40:] and 'href="javascript' not in desc
    assert '<a href="https://example.org/docs" rel="nofollow noopener noreferrer">docs</a>' in desc


# ---- applications ------------------------------------------------------------------------------------


def test_apply_once_and_owner_cannot_apply(app, client, login_as, make_project, make_user):
    owner = make_user()
    project = make_project(owner=owner)
    login_as(make_user())
    resp = client.post(f"/projects/{project.id}/apply", data={"motivation": "short"})
    assert resp.status_code == 400 and "at least" in resp.get_data(as_text=True)
    assert n(app, ProjectApplication) == 0
    assert client.post(f"/projects/{project.id}/apply", data={"motivation": MOTIVATION}).status_code == 302
    assert client.post(f"/projects/{project.id}/apply", data={"motivation": MOTIVATION}).status_code == 409
    assert "pending" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    c = login_as(owner, app.test_client())
    assert c.post(f"/projects/{project.id}/apply", data={"motivation": MOTIVATION}).status_code == 400
    assert n(app, ProjectApplication) == 1


def test_full_and_archived_projects_refuse_applications(app, client, login_as, make_project, make_user):
    owner = make_user()
    full = make_project(owner=owner, seats=1)
    archived = make_project(owner=owner)
    first, second = make_user(), make_user()
    with app.app_context():
        from mentorhub.accounts.models import User

        applications.accept(db.session.get(User, owner.id),
                        applications.apply(db.session.get(User, first.id), full.id, MOTIVATION).id)
        ideas.set_status(db.session.get(User, owner.id), archived.id, "archived")
    login_as(second)
    assert "The team is full" in client.get(f"/projects/{full.id}").get_data(as_text=True)
    assert client.post(f"/projects/{full.id}/apply", data={"motivation": MOTIVATION}).status_code == 409
    assert client.post(f"/projects/{archived.id}/apply", data={"motivation": MOTIVATION}).status_code == 409
    assert n(app, ProjectApplication) == 1


def _apply(app, learner, project) -> int:
    with app.app_context():
        from mentorhub.accounts.models import User

        return applications.apply(db.session.get(User, learner.id), project.id, MOTIVATION).id


def test_crafted_forms_cannot_join(app, client, login_as, make_project, make_user):
    owner, learner = make_user(), make_user()
    project = make_project(owner=owner)
    app_id = _apply(app, learner, project)
    login_as(learner)
    assert client.post(f"/projects/applications/{app_id}/accept").status_code == 403
    assert client.get(f"/projects/{project.id}/applications").status_code == 403
    assert client.post(f"/projects/{project.id}/milestones/1/tick").status_code in (403, 404)
    assert n(app, ProjectMember) == 0
    assert get(app, ProjectApplication, app_id).status == "pending"
    assert get(app, Project, project.id).seats_taken == 0


def test_owner_decides_in_the_applications_page(app, client, login_as, make_project, make_user):
    owner = make_user()
    a, b = make_user(display_name="Ana"), make_user(display_name="Ben")
    project = make_project(owner=owner)
    app_a, app_b = _apply(app, a, project), _apply(app, b, project)
    login_as(owner)
    page = client.get(f"/projects/{project.id}/applications").get_data(as_text=True)
    assert "Ana" in page and "Ben" in page and MOTIVATION in page
    resp = client.post(f"/projects/applications/{app_b}/decline", data={"reason": ""})
    assert resp.status_code == 400 and "Please fill in a reason" in resp.get_data(as_text=True)
    assert get(app, ProjectApplication, app_b).status == "pending"
    assert client.post(f"/projects/applications/{app_b}/decline",
                       data={"reason": "We need more deep learning experience."}).status_code == 302
    assert client.post(f"/projects/applications/{app_a}/accept").status_code == 302
    assert client.post(f"/projects/applications/{app_a}/accept").status_code == 409
    assert get(app, Project, project.id).seats_taken == 1
    c = login_as(b, app.test_client())
    assert "We need more deep learning experience." in c.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "declined" in c.get("/notifications").get_data(as_text=True)


# ---- team page -------------------------------------------------------------------------------------


def _member(app, owner, learner, project):
    app_id = _apply(app, learner, project)
    with app.app_context():
        from mentorhub.accounts.models import User

        applications.accept(db.session.get(User, owner.id), app_id)


def test_team_page_milestones_and_leaving(app, client, login_as, make_project, make_user):
    owner, learner, stranger = make_user(display_name="Olu"), make_user(display_name="Lia"), make_user()
    project = make_project(owner=owner)
    _member(app, owner, learner, project)
    with app.app_context():
        ms = queries.get_project(project.id).milestones
        first, second = ms[0].id, ms[1].id
    s = login_as(stranger, app.test_client())
    page = s.get(f"/projects/{project.id}/team").get_data(as_text=True)
    assert "Lia" in page and "Mark reached" not in page
    assert s.post(f"/projects/{project.id}/milestones/{first}/tick").status_code == 403
    login_as(learner)
    page = client.get(f"/projects/{project.id}/team").get_data(as_text=True)
    assert "Mark reached" in page and "Olu" in page and "accepted Lia onto the team" in page
    assert client.post(f"/projects/{project.id}/milestones/{first}/tick").status_code == 302
    assert get(app, Milestone, first).reached_at is not None and get(app, Milestone, second).reached_at is None
    assert client.post(f"/projects/{project.id}/milestones/{first}/tick").status_code == 409
    assert client.post(f"/projects/{project.id}/milestones", data={"title": "Mine"}).status_code == 403
    assert client.post(f"/projects/{project.id}/leave").status_code == 302
    assert n(app, ProjectMember) == 0 and get(app, Project, project.id).seats_taken == 0


def test_team_activity_is_shown_to_the_team_only(app, client, login_as, make_project, make_user):
    """The log names declined applicants: people outside the team do not see it."""
    owner, member, declined = make_user(), make_user(display_name="Mia"), make_user(display_name="Dov")
    project = make_project(owner=owner)
    _member(app, owner, member, project)
    app_id = _apply(app, declined, project)
    with app.app_context():
        from mentorhub.accounts.models import User

        applications.decline(db.session.get(User, owner.id), app_id, "The team is full for now.")
    stranger = login_as(make_user(), app.test_client())
    page = stranger.get(f"/projects/{project.id}/team").get_data(as_text=True)
    assert "declined the application of Dov" not in page and "Only the team sees its activity." in page
    for viewer in (owner, member, make_user(is_admin=True)):
        page = login_as(viewer, app.test_client()).get(f"/projects/{project.id}/team").get_data(as_text=True)
        assert "declined the application of Dov" in page and "Only the team sees" not in page


def test_owner_sets_member_roles(app, client, login_as, make_project, make_user):
    owner, member, stranger = make_user(), make_user(display_name="Rui"), make_user()
    project = make_project(owner=owner)
    _member(app, owner, member, project)
    url = f"/projects/{project.id}/members/{member.id}/role"

    def role():
        return get(app, ProjectMember, _member_id(app, project.id, member.id)).role

    s = login_as(stranger, app.test_client())
    assert s.post(url, data={"role": "maintainer"}).status_code == 403 and role() == "contributor"
    login_as(owner)
    resp = client.post(url, data={"role": "king"})
    assert resp.status_code == 400 and "Choose a role from the list" in resp.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/members/{stranger.id}/role",
                       data={"role": "reviewer"}).status_code == 404
    assert role() == "contributor"
    resp = client.post(url, data={"role": "maintainer"}, follow_redirects=True)
    assert "Rui is now a maintainer on the team." in resp.get_data(as_text=True) and role() == "maintainer"


def _member_id(app, project_id, user_id):
    with app.app_context():
        return db.session.scalar(select(ProjectMember.id).where(ProjectMember.project_id == project_id,
                                                                ProjectMember.user_id == user_id))


def test_withdraw_step_down_and_reopen_over_http(app, client, login_as, make_project, make_mentor, make_user):
    owner, learner, other = make_user(), make_user(), make_user()
    champion = make_mentor()
    project = make_project(owner=owner, champion=champion.user)
    app_id = _apply(app, learner, project)
    o = login_as(other, app.test_client())
    assert o.post(f"/projects/applications/{app_id}/withdraw").status_code == 403
    assert o.post(f"/projects/{project.id}/champion/step-down").status_code == 403
    assert get(app, ProjectApplication, app_id).status == "pending"
    assert get(app, Project, project.id).champion_id == champion.user_id
    lc = login_as(learner, app.test_client())
    assert lc.post(f"/projects/applications/{app_id}/withdraw").status_code == 302
    assert get(app, ProjectApplication, app_id).status == "withdrawn"
    assert lc.post(f"/projects/applications/{app_id}/withdraw").status_code == 409
    with app.app_context():
        ms = queries.get_project(project.id).milestones[0].id
    login_as(owner)
    assert client.post(f"/projects/{project.id}/milestones/{ms}/tick").status_code == 302
    assert o.post(f"/projects/{project.id}/milestones/{ms}/untick").status_code == 403
    assert get(app, Milestone, ms).reached_at is not None
    assert client.post(f"/projects/{project.id}/milestones/{ms}/untick").status_code == 302
    assert get(app, Milestone, ms).reached_at is None
    cc = login_as(champion.user, app.test_client())
    assert cc.post(f"/projects/{project.id}/champion/step-down").status_code == 302
    assert get(app, Project, project.id).champion_id is None


def test_owner_adds_milestones_and_removes_members(app, client, login_as, make_project, make_user):
    owner, learner = make_user(), make_user(display_name="Kai")
    project = make_project(owner=owner)
    _member(app, owner, learner, project)
    login_as(owner)
    resp = client.post(f"/projects/{project.id}/milestones", data={"title": ""})
    assert resp.status_code == 400 and "Please fill in a milestone title" in resp.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/milestones", data={"title": "Data card"}).status_code == 302
    assert "Data card" in client.get(f"/projects/{project.id}/team").get_data(as_text=True)
    url = f"/projects/{project.id}/members/{learner.id}/remove"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"reason": ""}).status_code == 400
    assert n(app, ProjectMember) == 1
    assert client.post(url, data={"reason": "Moved to another team."}).status_code == 302
    assert n(app, ProjectMember) == 0
    k = login_as(learner, app.test_client())
    assert "removed from" in k.get("/notifications").get_data(as_text=True)


def test_mentor_champions_from_the_page(app, client, login_as, make_project, make_mentor, make_user):
    project = make_project(owner=make_user())
    plain = login_as(make_user(), app.test_client())
    assert "Champion this idea" not in plain.get(f"/projects/{project.id}").get_data(as_text=True)
    assert plain.post(f"/projects/{project.id}/champion").status_code == 403
    mentor = make_mentor()
    login_as(mentor.user)
    assert "Offer to champion this idea" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/champion").status_code == 302
    assert get(app, Project, project.id).champion_candidate_id == mentor.user_id  # the owner decides
    assert client.post(f"/projects/{project.id}/champion").status_code == 409


def test_dashboard_mine_and_outcomes_partial(app, client, login_as, make_project, make_user):
    owner, learner = make_user(), make_user()
    project = make_project(owner=owner, title="Feature store for beginners")
    _member(app, owner, learner, project)
    with app.app_context():
        from mentorhub.accounts.models import User

        ms = queries.get_project(project.id).milestones[1]
        milestones.tick_milestone(db.session.get(User, learner.id), project.id, ms.id)
    login_as(learner)
    assert 'data-testid="projects-panel"' in client.get("/dashboard").get_data(as_text=True)
    assert "Feature store for beginners" in client.get("/projects/mine").get_data(as_text=True)
    html = client.get(f"/people/{learner.id}").get_data(as_text=True)  # the outcomes partial on the person page
    outcomes = html[html.index('data-testid="project-outcomes"'):]
    assert "Baseline model" in outcomes and "Feature store for beginners" in outcomes


def test_deleting_an_account_frees_the_seat_and_exports_projects(app, client, login_as, make_project,
                                                                 make_user):
    from support import PASSWORD

    owner, learner = make_user(), make_user()
    project = make_project(owner=owner, title="Churn report")
    _member(app, owner, learner, project)
    login_as(learner)
    exported = client.get("/account/export.json").get_json()
    assert exported["projects"]["teams"][0]["title"] == "Churn report"
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    assert n(app, ProjectMember) == 0 and n(app, ProjectApplication) == 0
    assert get(app, Project, project.id).seats_taken == 0


def test_ids_too_large_for_the_database_are_404(app, client, login_as, make_project, make_user):
    project = make_project()
    login_as(make_user())
    huge = "99999999999999999999"
    for method, url in [("get", f"/projects/{huge}"), ("get", f"/projects/{huge}/team"),
                        ("post", f"/projects/{huge}/edit"), ("post", f"/projects/applications/{huge}/accept"),
                        ("post", f"/projects/{project.id}/milestones/{huge}/tick"),
                        ("get", f"/projects/{project.id}/members/{huge}/remove")]:
        assert getattr(client, method)(url).status_code == 404, url
    assert get(app, Project, project.id).title == project.title


def test_idea_form_uses_the_skill_picker(client, login_as, make_user, taxonomy):
    """Required skills come from the picker's need-<slug> selects; no Ctrl-click list boxes."""
    user = make_user()
    login_as(user)
    page = client.get("/projects/new").get_data(as_text=True)
    assert "multiple" not in page and 'id="need"' in page and 'id="learn"' in page
    data = {k: v for k, v in form_data().items() if not k.startswith("required_skills-")}
    resp = client.post("/projects/new", data={**data, "need-pytorch": "3", "need-sql": ""})
    assert resp.status_code == 302
    project_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    with client.application.app_context():
        project = db.session.get(Project, project_id)
        assert [(s.skill.slug, s.min_level) for s in project.required_skills] == [("pytorch", 3)]
