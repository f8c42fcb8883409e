"""The timeline's union and the statistics' aggregate reads run on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import user_factory
from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.outcomes.models import Outcome
from mentorhub.outcomes.queries import timeline
from mentorhub.stats.figures import Filters, compute
from mentorhub.stats.tables import TABLES, as_csv


@pytest.mark.postgres
def test_timeline_and_figures_on_each_database(any_app, password_hash):
    make = user_factory(any_app, password_hash)
    person, viewer = make(), make(is_admin=True)
    with any_app.app_context(), any_app.test_request_context():
        db.session.add(Outcome(user_id=person.id, kind="interview", title="Onsite", evidence_url="https://example.org/x"))
        db.session.commit()
        found = timeline(db.session.get(User, person.id), db.session.get(User, viewer.id))
        assert [(e.kind, e.title, e.can_confirm) for e in found.entries] == [("outcome", "Onsite", False)]
        today = utcnow().date()
        fig = compute(Filters(None, today - timedelta(days=30), today))
        assert fig.funnel[0] == ("Registered", 2) and fig.funnel[-1] == ("An outcome", 1)
        assert fig.weekly and all(n == 0 for _w, n in fig.weekly)
        assert all(as_csv(fig, name) for name in TABLES)
        assert compute(Filters(None, date(2000, 1, 1), date(2000, 1, 2))).funnel[0] == ("Registered", 0)
