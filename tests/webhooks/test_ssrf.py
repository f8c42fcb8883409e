"""SSRF protection in production mode (WEBHOOKS_SSRF_PROTECTION on, the default): addresses inside
loopback, private or link-local ranges are refused at registration and again at delivery time."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import ValidationError
from mentorhub.webhooks import jobs, transport
from mentorhub.webhooks.hooks import create_webhook
from mentorhub.webhooks.models import Webhook, WebhookDelivery
from webhook_receiver import Receiver


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.255.254", "::1", "192.168.1.20",
                                "172.16.0.5", "169.254.169.254", "fe80::1", "fc00::5", "::ffff:10.0.0.1",
                                "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1"])
def test_inside_addresses_are_not_public(ip):
    assert not transport.is_public(ip)


@pytest.mark.parametrize("ip", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are(ip):
    assert transport.is_public(ip)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.0.0.1/hook", "https://10.20.30.40/x",
                                 "http://[::1]:8080/hook", "http://[::ffff:127.0.0.1]/hook"])
def test_registration_check_refuses(app, url):
    with app.app_context(), pytest.raises(ValidationError, match="private network"):
        transport.check_address(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.0.0.1/hook",
                                 "http://[::ffff:10.1.2.3]/hook"])
def test_the_form_refuses_and_stores_nothing(app, client, login_as, make_user, url):
    login_as(make_user(is_organiser=True))
    resp = client.post("/webhooks", data={"name": "inside", "target": "generic", "url": url,
                                          "events": ["meetup.created"]})
    assert resp.status_code == 400 and "private network" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Webhook)) is None


def test_refused_again_at_delivery_time(app, make_user, make_event):
    """An endpoint stored before (or around) the check still never reaches loopback."""
    organiser = make_user(is_organiser=True)
    with Receiver() as receiver:
        app.config["WEBHOOKS_SSRF_PROTECTION"] = False  # registered while the check was off
        with app.app_context():
            create_webhook(db.session.get(User, organiser.id), "inside", "generic", receiver.url, ["meetup.created"])
        app.config["WEBHOOKS_SSRF_PROTECTION"] = True
        make_event(organiser=organiser)
        with app.app_context():
            assert jobs.deliver_webhooks() == {"queued": 1, "sent": 0, "retry": 0, "failed": 1}
            row = db.session.scalar(select(WebhookDelivery))
            assert row.status == "failed" and "private network" in row.last_error
        assert receiver.requests == []
