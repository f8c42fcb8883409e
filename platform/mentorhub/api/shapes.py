"""Rows to the plain dicts the API answers with (the shapes are in schemas.py)."""
from __future__ import annotations


def ref(user) -> dict:
    return {"id": user.id, "name": user.display_name}


def named(row) -> dict:
    return {"slug": row.slug, "name": row.name}


def levelled(link) -> dict:
    return {"slug": link.skill.slug, "name": link.skill.name, "level": link.level}


def mentor_profile(p) -> dict:
    return {"user": ref(p.user), "headline": p.headline, "bio": p.bio, "years_experience": p.years_experience,
            "current_role": p.current_role, "capacity": p.capacity, "is_accepting": p.is_accepting,
            "session_minutes": p.session_minutes, "skills": [levelled(s) for s in p.skills],
            "domains": [named(d) for d in p.domains]}


def learner_profile(p) -> dict:
    return {"headline": p.headline, "background": p.background, "goals": p.goals, "target_track": p.target_track,
            "stage": p.stage, "hours_per_week": p.hours_per_week, "skills": [levelled(s) for s in p.skills],
            "wanted_skills": [named(s) for s in p.wanted_skills], "domains": [named(d) for d in p.domains]}


def match(s) -> dict:
    out = s.as_dict()
    out.pop("user", None)
    out["mentor"] = ref(s.user) if s.user is not None else None
    out["project"] = {"id": s.project.id, "name": s.project.title} if s.project is not None else None
    return out


def request(r) -> dict:
    return {"id": r.id, "learner": ref(r.learner), "mentor": ref(r.mentor), "status": r.status, "goals": r.goals,
            "background": r.background, "expectations": r.expectations, "cadence": r.cadence,
            "decline_reason": r.decline_reason or "", "is_offer": r.is_offer, "created_at": r.created_at,
            "responded_at": r.responded_at, "closed_at": r.closed_at}


def mentorship(m) -> dict:
    return {"id": m.id, "learner": ref(m.learner), "mentor": ref(m.mentor), "status": m.status,
            "cadence": m.cadence, "started_at": m.started_at, "ended_at": m.ended_at,
            "next_checkin_at": m.next_checkin_at}


def session(s) -> dict:
    return {"id": s.id, "mentorship_id": s.mentorship_id, "learner": ref(s.learner), "mentor": ref(s.mentor),
            "starts_at": s.starts_at, "ends_at": s.ends_at, "status": s.status, "agenda": s.agenda or "",
            "meeting_url": s.meeting_url or ""}


def checkin(c) -> dict:
    return {"id": c.id, "mentorship_id": c.mentorship_id, "due_at": c.due_at, "status": c.status,
            "progress": c.progress or "", "blockers": c.blockers or "", "next_steps": c.next_steps or "",
            "mentor_response": c.mentor_response or "", "submitted_at": c.submitted_at}


def project(p) -> dict:
    return {"id": p.id, "title": p.title, "summary": p.summary, "difficulty": p.difficulty, "status": p.status,
            "seats": p.seats, "seats_taken": p.seats_taken, "hours_per_week": p.hours_per_week,
            "duration_weeks": p.duration_weeks, "repo_url": p.repo_url, "owner": ref(p.owner),
            "domains": [named(d) for d in p.domains],
            "skills": [{**named(s.skill), "kind": s.kind, "min_level": s.min_level} for s in p.skills],
            "last_activity_at": p.last_activity_at}


def application(a) -> dict:
    return {"id": a.id, "project": {"id": a.project.id, "name": a.project.title}, "status": a.status,
            "motivation": a.motivation, "decision_reason": a.decision_reason, "created_at": a.created_at,
            "decided_at": a.decided_at}


def event(e) -> dict:
    return {"id": e.id, "title": e.title, "description": e.description, "format": e.format, "timezone": e.timezone,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "capacity": e.capacity, "going_count": e.going_count,
            "is_cancelled": e.is_cancelled, "organiser_id": e.organiser_id, "domains": [named(d) for d in e.domains]}


def item(i) -> dict:
    return {"id": i.id, "owner": ref(i.owner), "title": i.title, "summary": i.summary, "repo_url": i.repo_url,
            "demo_url": i.demo_url, "visibility": i.visibility, "status": i.status, "version": i.version,
            "skills": [named(s) for s in i.skills], "created_at": i.created_at, "updated_at": i.updated_at}


def review(r) -> dict:
    return {"id": r.id, "item_id": r.item_id, "reviewer": ref(r.reviewer), "summary": r.summary,
            "next_step": r.next_step, "is_helpful": r.is_helpful, "created_at": r.created_at}


def notification(n) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body or "", "link": n.link,
            "created_at": n.created_at, "read_at": n.read_at}


def page(rows, next_cursor, shape) -> dict:
    return {"items": [shape(r) for r in rows], "next_cursor": next_cursor}
