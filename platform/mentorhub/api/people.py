"""/me, /people and /matches: who is acting, mentor and learner profiles, explained matches."""
from __future__ import annotations

from ..matching import suggestions
from ..profiles import queries as profiles
from . import shapes
from .blueprint import actor, bp, token
from .schemas import MatchList, MatchQuery, Me, MentorPage, PersonOut
from .spec import PageQuery, cursor_page, operation, responses

PEOPLE = "people"
MATCHES = "matches"


@bp.get("/me")
@operation(resp=responses(200, Me), tags=[PEOPLE])
def me():
    """The account the token belongs to, and the token."""
    user, used = actor(), token()
    return {"id": user.id, "name": user.display_name, "email": user.email, "timezone": user.timezone or "UTC",
            "is_admin": bool(user.is_admin), "is_organiser": bool(user.is_organiser),
            "is_mentor": profiles.is_mentor(user), "has_learner_profile": profiles.has_learner_profile(user),
            "token": {"name": used.name, "scope": used.scope, "expires_at": used.expires_at}}


@bp.get("/people/mentors")
@operation(query=PageQuery, resp=responses(200, MentorPage, (400, 401, 403, 429)), tags=[PEOPLE])
def mentors(query: PageQuery):
    """Mentor profiles (the directory), newest first."""
    rows, cursor = cursor_page(profiles.mentors_select(), query)
    return shapes.page(rows, cursor, shapes.mentor_profile)


@bp.get("/people/<int:user_id>")
@operation(resp=responses(200, PersonOut), tags=[PEOPLE])
def person(user_id: int):
    """A person with the profiles you may see (as their profile page)."""
    user, learner, mentor = profiles.visible_person(actor(), user_id)
    return {"id": user.id, "name": user.display_name, "timezone": user.timezone or "UTC",
            "mentor": shapes.mentor_profile(mentor) if mentor is not None else None,
            "learner": shapes.learner_profile(learner) if learner is not None else None}


@bp.get("/matches/mentors")
@operation(query=MatchQuery, resp=responses(200, MatchList, (400, 401, 403, 429)), tags=[MATCHES])
def mentor_matches(query: MatchQuery):
    """Your best mentors, each with its score components and the reason in words."""
    found = suggestions.mentor_matches(actor(), k=query.k, domain=query.domain)
    return {"items": [shapes.match(s) for s in found]}


@bp.get("/matches/projects")
@operation(query=MatchQuery, resp=responses(200, MatchList, (400, 401, 403, 429)), tags=[MATCHES])
def project_matches(query: MatchQuery):
    """Your best project ideas, each with its score components and the reason in words."""
    found = suggestions.project_matches(actor(), k=query.k, domain=query.domain)
    return {"items": [shapes.match(s) for s in found]}
