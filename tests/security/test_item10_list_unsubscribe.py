"""Item 10: the List-Unsubscribe header of a notification email is built by the server from the
recipient's own signed token; a link a member typed into the text never becomes the header."""
from __future__ import annotations

import pytest

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications import jobs, outbox, preferences
from mentorhub.notifications.notify import notify

EVIL = "Stop these emails: https://evil.example/unsubscribe/{token}"


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


def test_item10_typed_unsubscribe_link_never_becomes_the_header(app, make_user, smtp_server):
    victim, attacker = make_user(email="victim@example.com"), make_user(email="attacker@example.com")
    with app.app_context():
        own_token = preferences.unsubscribe_token(attacker.id, "mentorship_update")
        typed = "\n".join([EVIL.format(token="made-up"), EVIL.format(token=own_token), "See you!"])
        # a member's message quoted in the recipient's notification, as replies and requests are
        notify(db.session.get(User, victim.id), "mentorship_update", "New message", body=typed)
        # and a mail without the notification footer at all
        outbox.queue_email("victim@example.com", "Plain", typed, key="plain:1")
        db.session.commit()
        assert jobs.deliver_outbox()["sent"] == 2
        victim_token = preferences.unsubscribe_token(victim.id, "mentorship_update")
    by_subject = {m["subject"]: m["message"] for m in smtp_server.wait_for(2)}
    header = by_subject["New message"]["List-Unsubscribe"]
    assert header.startswith(f"<{app.config['BASE_URL'].rstrip('/')}/unsubscribe/") and "evil" not in header
    token = header[1:-1].rsplit("/", 1)[1]
    with app.app_context():
        user, kind = preferences.read_unsubscribe_token(token)
    assert (user.id, kind) == (victim.id, "mentorship_update") and token.split(".")[0] == victim_token.split(".")[0]
    assert by_subject["Plain"]["List-Unsubscribe"] is None
