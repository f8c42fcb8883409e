"""The web import at /admin/import: who may use it, upload, mapping edit, preview, import."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.config import ROOT
from mentorhub.db import db
from mentorhub.events import cohorts as events
from mentorhub.profiles import queries
from mentorhub.profiles.importing import can_import
from support import QueryLog

GOOGLE = ROOT / "tests" / "fixtures" / "import" / "google_forms.csv"


def _upload(client, text=None, name="signups.csv", role=""):
    data = {"upload": (io.BytesIO((text if text is not None else GOOGLE.read_text()).encode()), name),
            "default_role": role}
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def _form_fields(html: str) -> dict:
    """The preview form as the browser would send it back (selected options, hidden source)."""
    fields = {"fmt": re.search(r'name="fmt"[^>]*value="([^"]*)"', html).group(1)}
    source = re.search(r'<textarea name="source"[^>]*>(.*?)</textarea>', html, re.DOTALL).group(1)
    fields["source"] = source.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'").replace(
        "&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for name, body in re.findall(r'<select id="(map-\d+)" name="map-\d+">(.*?)</select>', html, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def _users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_who_may_import(app, make_user, client, login_as):
    admin, organiser, member = (make_user(is_admin=True), make_user(is_organiser=True), make_user())
    with app.app_context():
        assert can_import(admin) is None and can_import(organiser) is None
        assert can_import(member) == "Only organisers and admins can import people."
        assert can_import(None) == "Log in first."
    assert client.get("/admin/import").status_code == 302  # to the login page
    login_as(member)
    assert client.get("/admin/import").status_code == 403
    assert _upload(client).status_code == 403
    assert client.post("/admin/import/preview", data={"fmt": "csv", "source": "x"}).status_code == 403


def test_a_cohort_organiser_may_import(app, make_user, client, login_as):
    admin, member = make_user(is_admin=True), make_user()
    with app.app_context():
        admin, member = db.session.get(User, admin.id), db.session.get(User, member.id)
        assert can_import(member) == "Only organisers and admins can import people."
        cohort = events.create_cohort(admin, "Spring intake")
        events.add_cohort_member(admin, cohort, member.id)
        events.set_cohort_organiser(admin, cohort, member.id, True)
        assert can_import(member) is None
    login_as(member)
    assert client.get("/admin/import").status_code == 200


def test_upload_shows_the_mapping_and_every_row_then_imports(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_organiser=True))
    page = client.get("/admin/import")
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)
    resp = _upload(client)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count('data-testid="import-row"') == 10
    assert "Not imported: Timestamp" in html
    assert "Europe/Berlin (city Berlin → Europe/Berlin)" in html
    assert "read as India (Asia/Kolkata)" in html
    assert "availability not understood: imported without windows" in html
    with app.app_context():
        assert _users() == 1  # the preview writes nothing
    fields = _form_fields(html)
    assert fields["map-4"] == "timezone"
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    assert "10 new people" in html
    invited = re.search(r'data-testid="import-invited">(.*?)</ul>', html, re.DOTALL).group(1)
    assert invited.count("<li>") == 10 and "Chloé Martin &lt;chloe.martin@example.org&gt;" in invited
    with app.app_context():
        assert _users() == 11
    # The same file again changes nothing and invites nobody.
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    html = resp.get_data(as_text=True)
    html = re.sub(r"\s+", " ", html)
    assert "0 new people, 0 updated, 10 already up to date" in html and "Nobody new" in html


def test_a_mapping_edit_changes_the_preview_and_the_import(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    fields = _form_fields(_upload(client).get_data(as_text=True))
    fields["map-9"] = "headline"  # "Anything else you'd like us to know?" becomes the headline
    fields["map-5"] = ""  # and the skills are not imported
    html = client.post("/admin/import/preview", data=fields).get_data(as_text=True)
    assert '<dt>headline</dt>' in html and '<dt>skills</dt>' not in html
    assert 'Not imported: Timestamp, Which skills do you already have?' in html
    client.post("/admin/import/preview", data={**fields, "action": "import"})
    with app.app_context():
        ben = db.session.scalar(select(User).where(User.email == "ben.okafor@example.org"))
        profile = queries.mentor_profile_of(ben)
        assert profile.headline == "Happy to review projects." and profile.skills == []


def test_a_header_that_cannot_be_mapped_is_shown_and_nothing_imports(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    fields = _form_fields(_upload(client).get_data(as_text=True))
    fields["map-3"] = ""  # no role column any more
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    assert resp.status_code == 400
    assert "Missing column(s): role" in resp.get_data(as_text=True)
    fields["default_role"] = "learner"
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    assert resp.status_code == 200
    with app.app_context():
        assert _users() == 11


def test_refused_rows_block_the_import_unless_skipped(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    text = GOOGLE.read_text().replace('"Rome (CET)"', '"Atlantis"')
    fields = _form_fields(_upload(client, text).get_data(as_text=True))
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    assert resp.status_code == 400 and "Nothing was imported" in resp.get_data(as_text=True)
    with app.app_context():
        assert _users() == 1
    resp = client.post("/admin/import/preview", data={**fields, "action": "import", "skip_invalid": "y"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "skipped 1 refused row(s)" in html
    assert "&#39;Atlantis&#39; is not a time zone" in html or "'Atlantis' is not a time zone" in html
    with app.app_context():
        assert _users() == 10


@pytest.mark.parametrize("text, name, message", [
    ("a,b\n1,2\n", "notes.txt", "Upload a .csv or .json file"),
    ("{nope", "export.json", "Not valid JSON"),
    ("", "empty.csv", "The file has no header row."),
])
def test_bad_uploads_get_a_clear_400(app, taxonomy, make_user, client, login_as, text, name, message):
    login_as(make_user(is_admin=True))
    resp = _upload(client, text, name)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_a_bad_column_choice_or_a_lost_upload_is_a_400(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    fields = _form_fields(_upload(client).get_data(as_text=True))
    resp = client.post("/admin/import/preview", data={**fields, "map-2": "password_hash"})
    assert resp.status_code == 400 and "Choose a column from the list for: What&#39;s your name?" in resp.get_data(
        as_text=True)
    resp = client.post("/admin/import/preview", data={"fmt": "xlsx", "source": "x"})
    assert resp.status_code == 400 and "upload the file again" in resp.get_data(as_text=True)


def test_user_text_is_escaped_in_the_preview(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    text = "Email,Name,Role\nx@example.org,<script>alert(1)</script>,Learner\n"
    html = _upload(client, text).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_preview_runs_the_same_queries_for_three_rows_or_ten(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    lines = GOOGLE.read_text().splitlines()
    client.get("/admin/import")  # the first request of a session also stamps last_seen_at
    counts = []
    for text in ("\n".join(lines[:4]) + "\n", GOOGLE.read_text()):
        with QueryLog(app) as log:
            assert _upload(client, text).status_code == 200
        assert not log.in_templates
        counts.append(log.count)
        # The reading runs in a read transaction: the vocabulary is read after a plain BEGIN,
        # so parsing the file never holds SQLite's write lock (the upload is a POST).
        skills_at = next(i for i, sql in enumerate(log.statements) if sql.startswith("SELECT skills."))
        assert [sql for sql in log.statements[:skills_at] if sql.startswith("BEGIN")][-1] == "BEGIN"
    assert counts[0] == counts[1]


def test_mentorhubs_own_json_export_imports_on_the_web_too(app, taxonomy, make_user, client, login_as):
    login_as(make_user(is_admin=True))
    text = (ROOT / "seed" / "import" / "people.json").read_text()
    html = _upload(client, text, "people.json").get_data(as_text=True)
    assert "row(s) read:" in html and " 0 refused" in re.sub(r"\s+", " ", html)
    fields = _form_fields(html)
    resp = client.post("/admin/import/preview", data={**fields, "action": "import"})
    assert resp.status_code == 200 and "new people" in resp.get_data(as_text=True)
