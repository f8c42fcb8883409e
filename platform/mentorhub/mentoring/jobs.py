"""Mentoring's scheduled sweeps: request reminders and expiry, check-ins (open, nudge, miss) and
session reminders. Each is idempotent: claimed rows, unique notify keys.

Each sweep takes due rows a batch at a time, in id order: on PostgreSQL with SELECT … FOR UPDATE
SKIP LOCKED, so two schedulers split the work instead of both taking a row; on SQLite the
transaction's BEGIN IMMEDIATE serialises them. Within the batch's transaction it marks the rows
done and sends with unique keys (notify_many), then commits: a kill mid-batch loses only that
uncommitted batch, which the next run redoes, and a key never sends twice.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import match_events
from ..accounts.models import User
from ..db import UTCDateTime, db, utcnow
from ..lazyimport import lazy_module
from ..notifications.bulk import Send, notify_many
from ..timeutil import format_local
from ..urls import path_for
from ..validation import setting
from .models import REQUEST_OPEN, CheckIn, MentoringSession, Mentorship, MentorshipRequest
from .rules import add_cadence
from .writing import is_postgres

postgresql = lazy_module("sqlalchemy.dialects.postgresql")  # its insert, on PostgreSQL only

# ---- what the scheduler runs (scheduler/registry.py) ---------------------------------------


def session_reminders(now: datetime | None = None) -> int:
    return send_session_reminders(now or utcnow())


def request_reminders_and_expiry(now: datetime | None = None) -> dict:
    return remind_and_expire_requests(now or utcnow())


def create_checkins(now: datetime | None = None) -> int:
    return create_due_checkins(now or utcnow())


def checkin_nudges_and_misses(now: datetime | None = None) -> dict:
    return nudge_and_miss_checkins(now or utcnow())


# ---- the sweeps ----------------------------------------------------------------------------


def _path_of(endpoint: str, arg: str):
    """``row_id -> path`` of ``endpoint``, built with path_for once: outside a request path_for sets
    up a request context per call, too slow for the thousands of links of one sweep."""
    marker = 918273645
    prefix, _, suffix = path_for(endpoint, **{arg: marker}).partition(str(marker))
    return lambda row_id: f"{prefix}{row_id}{suffix}"


def _sweep(model, columns, due, handle) -> int:
    batch = setting("MENTORING_SWEEP_BATCH")
    pause = setting("MENTORING_SWEEP_PAUSE_MS") / 1000
    last = 0
    done = 0
    while True:
        stmt = select(*columns).where(due, model.id > last).order_by(model.id).limit(batch)
        if is_postgres():
            stmt = stmt.with_for_update(skip_locked=True, of=model)
        rows = db.session.execute(stmt).all()
        if not rows:
            db.session.commit()
            return done
        done += handle(rows)
        last = rows[-1].id
        db.session.commit()
        if pause:  # let web requests at the database between batches (SQLite has one writer)
            time.sleep(pause)


def _users(ids) -> dict:
    """Light rows (id, email, display_name, timezone, is_deleted, is_suspended) by user id."""
    ids = sorted(set(ids))
    out: dict = {}
    cols = (User.id, User.email, User.display_name, User.timezone, User.is_deleted, User.is_suspended)
    for i in range(0, len(ids), 500):
        out.update({u.id: u for u in db.session.execute(select(*cols).where(User.id.in_(ids[i:i + 500])))})
    return out


def _mark(model, ids, **values) -> None:
    for i in range(0, len(ids), 500):
        db.session.execute(update(model).where(model.id.in_(ids[i:i + 500])).values(**values)
                           .execution_options(synchronize_session=False))


def remind_and_expire_requests(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    expire_before = now - timedelta(days=setting("MENTORING_REQUEST_EXPIRY_DAYS"))
    remind_before = now - timedelta(days=setting("MENTORING_REQUEST_REMINDER_DAYS"))
    request_path, matches = _path_of("mentoring.request_detail", "request_id"), path_for("matching.matches")
    R = MentorshipRequest
    cols = (R.id, R.learner_id, R.mentor_id, R.status)

    def expire(rows) -> int:
        _mark(R, [r.id for r in rows], status="expired", closed_at=now, updated_at=now)
        match_events.record_many(match_events.REQUEST_EXPIRED, [(r.learner_id, r.mentor_id) for r in rows], at=now)
        users = _users([r.learner_id for r in rows] + [r.mentor_id for r in rows])
        notify_many([Send(users[r.learner_id], "mentorship_update",
                          f"Your request to {users[r.mentor_id].display_name} expired",
                          key=f"request:{r.id}:expired",
                          body=("Their question to you stayed unanswered, so the request closed. "
                                if r.status == "info_requested" else "They did not answer in time. ")
                          + "Your other matches are worth a look.",
                          link=matches) for r in rows])
        return len(rows)

    def remind(rows) -> int:
        _mark(R, [r.id for r in rows], reminded_at=now)
        users = _users([r.learner_id for r in rows] + [r.mentor_id for r in rows])
        notify_many([Send(users[r.mentor_id], "mentorship_request",
                          f"{users[r.learner_id].display_name} is waiting for your answer",
                          key=f"request:{r.id}:reminder",
                          body="Please accept, decline or ask a question before the request expires.",
                          link=request_path(r.id)) for r in rows])
        return len(rows)

    expired = _sweep(R, cols, R.status.in_(REQUEST_OPEN) & (R.created_at <= expire_before), expire)
    # Only requests waiting on the mentor; after a question the learner owes the answer.
    reminded = _sweep(R, cols, (R.status == "pending") & R.reminded_at.is_(None)
                      & (R.created_at <= remind_before), remind)
    return {"expired": expired, "reminded": reminded}


def _insert_ignore(model, index_elements):
    insert = postgresql.insert if is_postgres() else sqlite_insert
    return insert(model).on_conflict_do_nothing(index_elements=index_elements)


def create_due_checkins(now: datetime | None = None) -> int:
    """A check-in per active mentorship whose cadence came round; the learner is told."""
    now = now or utcnow()
    checkin_path = _path_of("mentoring.checkin_detail", "checkin_id")
    M = Mentorship

    def create(rows) -> int:
        plans = []
        for r in rows:
            due, nxt = r.next_checkin_at, r.next_checkin_at
            while nxt <= now:  # after a long outage, one check-in for the latest period only
                due, nxt = nxt, add_cadence(nxt, r.cadence)
            plans.append((r, due, nxt))
        conn = db.session.connection()
        checkins = [{"mentorship_id": r.id, "due_at": due, "status": "open", "created_at": now, "progress": "",
                     "blockers": "", "next_steps": "", "mentor_response": ""} for r, due, _nxt in plans]
        if conn.dialect.name == "postgresql":  # one statement per batch instead of one per row
            conn.execute(text("UPDATE mentorships AS m SET next_checkin_at = v.next FROM unnest("
                              "CAST(:ids AS integer[]), CAST(:nexts AS timestamptz[])) AS v(id, next) WHERE m.id = v.id"),
                         {"ids": [r.id for r, _d, _n in plans], "nexts": [nxt for _r, _d, nxt in plans]})
            created = conn.execute(text(
                "INSERT INTO mentoring_checkins (mentorship_id, due_at, status, created_at, progress, blockers, "
                "next_steps, mentor_response) SELECT v.mid, v.due, 'open', :now, '', '', '', '' FROM unnest("
                "CAST(:mids AS integer[]), CAST(:dues AS timestamptz[])) AS v(mid, due) "
                "ON CONFLICT (mentorship_id, due_at) DO NOTHING RETURNING id, mentorship_id"),
                {"now": now, "mids": [c["mentorship_id"] for c in checkins], "dues": [c["due_at"] for c in checkins]}
            ).all()
        else:
            conn.execute(update(M.__table__).where(M.__table__.c.id == bindparam("b_id"))
                         .values(next_checkin_at=bindparam("b_next", type_=UTCDateTime())),
                         [{"b_id": r.id, "b_next": nxt} for r, _due, nxt in plans])
            created = conn.execute(_insert_ignore(CheckIn, ["mentorship_id", "due_at"]).returning(
                CheckIn.id, CheckIn.mentorship_id), checkins).all()
        by_mentorship = {mid: cid for cid, mid in created}
        users = _users([r.learner_id for r, _d, _n in plans])
        notify_many([Send(users[r.learner_id], "checkin", "Time for your check-in",
                          key=f"checkin:{r.id}:{due.strftime('%Y%m%dT%H%M%S')}:open",
                          body="Tell your mentor how it went: progress, blockers and next steps.",
                          link=checkin_path(by_mentorship[r.id]))
                     for r, due, _nxt in plans if r.id in by_mentorship])
        return len(created)

    return _sweep(M, (M.id, M.next_checkin_at, M.cadence, M.learner_id),
                  (M.status == "active") & (M.next_checkin_at <= now), create)


def nudge_and_miss_checkins(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    miss_before = now - timedelta(days=setting("MENTORING_CHECKIN_MISS_DAYS"))
    nudge_before = now - timedelta(days=setting("MENTORING_CHECKIN_NUDGE_DAYS"))
    checkin_path = _path_of("mentoring.checkin_detail", "checkin_id")
    C = CheckIn

    def learners(rows) -> dict[int, User]:
        pairs = db.session.execute(select(C.id, Mentorship.learner_id).join(Mentorship, Mentorship.id == C.mentorship_id)
                                   .where(C.id.in_([r.id for r in rows]))).all()
        users = _users([lid for _cid, lid in pairs])
        return {cid: users[lid] for cid, lid in pairs}

    def miss(rows) -> int:
        _mark(C, [r.id for r in rows], status="missed", missed_at=now)
        who = learners(rows)
        notify_many([Send(who[r.id], "checkin", "A check-in was marked as missed", key=f"checkin:{r.id}:missed",
                          body="No worries: the next one comes at your usual cadence.",
                          link=checkin_path(r.id))
                     for r in rows])
        return len(rows)

    def nudge(rows) -> int:
        _mark(C, [r.id for r in rows], nudged_at=now)
        who = learners(rows)
        notify_many([Send(who[r.id], "checkin", "Your check-in is still open", key=f"checkin:{r.id}:nudge",
                          body="A few lines on progress and blockers help your mentor help you.",
                          link=checkin_path(r.id)) for r in rows])
        return len(rows)

    missed = _sweep(C, (C.id,), (C.status == "open") & (C.due_at <= miss_before), miss)
    nudged = _sweep(C, (C.id,), (C.status == "open") & C.nudged_at.is_(None) & (C.due_at <= nudge_before), nudge)
    return {"missed": missed, "nudged": nudged}


def send_session_reminders(now: datetime | None = None, session_ids: list[int] | None = None) -> int:
    """Reminders MENTORING_SESSION_REMINDER_HOURS before each booked session (24 h and 1 h), to both
    people. A session inside a nearer window gets only the nearest reminder, once. Keys include the
    start time, so a rescheduled session (its marks reset) is reminded again for its new time."""
    now = now or utcnow()
    offsets = sorted(setting("MENTORING_SESSION_REMINDER_HOURS"))
    session_path = _path_of("mentoring.session_detail", "session_id")
    S = MentoringSession
    total = 0
    for i, hours in enumerate(offsets):  # nearest first: a session within 1 h is marked for 24 h too
        marks = "".join(f"|{h}|" for h in offsets if h >= hours)
        due = ((S.status == "booked") & (S.starts_at > now) & (S.starts_at <= now + timedelta(hours=hours))
               & ~S.reminders_sent.contains(f"|{hours}|"))
        if session_ids is not None:
            due = due & S.id.in_(session_ids)
        label = "tomorrow" if hours >= 24 else f"in {hours} hour{'s' if hours != 1 else ''}"

        def remind(rows, hours=hours, marks=marks, label=label) -> int:
            _mark(S, [r.id for r in rows], reminders_sent=marks)
            users = _users([r.mentor_id for r in rows] + [r.learner_id for r in rows])
            sends = []
            for r in rows:
                stamp = r.starts_at.strftime("%Y%m%dT%H%M")
                for uid, oid in ((r.mentor_id, r.learner_id), (r.learner_id, r.mentor_id)):
                    user, other = users[uid], users[oid]
                    sends.append(Send(user, "session_reminder", f"Session with {other.display_name} {label}",
                                      key=f"session-reminder:{r.id}:{stamp}:{hours}h:{uid}",
                                      body=format_local(r.starts_at, user.timezone),
                                      link=session_path(r.id)))
            notify_many(sends)
            return len(rows)

        total += _sweep(S, (S.id, S.starts_at, S.mentor_id, S.learner_id), due, remind)
    return total
