"""/requests, /mentorships, /sessions and /check-ins: the mentoring write modules and their rules,
answered in JSON (each write is the one the web page calls, so each refusal has the same reason)."""
from __future__ import annotations

from ..accounts.queries import get_user
from ..mentoring import checkins, queries, requests, sessions
from . import shapes
from .blueprint import actor, bp
from .schemas import (
    BookBody,
    CheckInBody,
    CheckInOut,
    CheckInPage,
    DeclineBody,
    MentorshipOut,
    MentorshipPage,
    RequestCreate,
    RequestOut,
    RequestPage,
    SessionOut,
    SessionPage,
    SlotList,
)
from .spec import ERRORS_WRITE, PageQuery, cursor_page, operation, responses

MENTORING = "mentoring"
LIST_ERRORS = (400, 401, 403, 429)


@bp.get("/requests")
@operation(query=PageQuery, resp=responses(200, RequestPage, LIST_ERRORS), tags=[MENTORING])
def list_requests(query: PageQuery):
    """Mentorship requests you sent or received, newest first."""
    rows, cursor = cursor_page(queries.requests_select(actor()), query)
    return shapes.page(rows, cursor, shapes.request)


@bp.post("/requests")
@operation(json=RequestCreate, resp=responses(201, RequestOut, ERRORS_WRITE), tags=[MENTORING])
def send_request(json: RequestCreate):
    """Ask a mentor to mentor you (the same rules as the request page: capacity, blocks, cooldown)."""
    mentor = get_user(json.mentor_id)
    req = requests.send_request(actor(), mentor, json.goals, json.background, json.expectations, json.cadence)
    return shapes.request(req), 201


@bp.get("/requests/<int:request_id>")
@operation(resp=responses(200, RequestOut), tags=[MENTORING])
def get_request(request_id: int):
    """One request you sent or received."""
    return shapes.request(queries.get_request(actor(), request_id))


@bp.post("/requests/<int:request_id>/withdraw")
@operation(resp=responses(200, RequestOut, ERRORS_WRITE), tags=[MENTORING])
def withdraw_request(request_id: int):
    """Withdraw a request you sent while it is open."""
    req = requests.withdraw_request(actor(), queries.get_request(actor(), request_id))
    return shapes.request(req)


@bp.post("/requests/<int:request_id>/accept")
@operation(resp=responses(201, MentorshipOut, ERRORS_WRITE), tags=[MENTORING])
def accept_request(request_id: int):
    """Accept a request sent to you: the mentorship begins."""
    m = requests.accept_request(actor(), queries.get_request(actor(), request_id))
    return shapes.mentorship(queries.get_mentorship(actor(), m.id)), 201


@bp.post("/requests/<int:request_id>/decline")
@operation(json=DeclineBody, resp=responses(200, RequestOut, ERRORS_WRITE), tags=[MENTORING])
def decline_request(request_id: int, json: DeclineBody):
    """Decline a request sent to you, with a reason the learner sees."""
    req = requests.decline_request(actor(), queries.get_request(actor(), request_id), json.reason)
    return shapes.request(req)


@bp.get("/mentorships")
@operation(query=PageQuery, resp=responses(200, MentorshipPage, LIST_ERRORS), tags=[MENTORING])
def list_mentorships(query: PageQuery):
    """Your mentorships as mentor or learner, newest first."""
    rows, cursor = cursor_page(queries.mentorships_select(actor()), query)
    return shapes.page(rows, cursor, shapes.mentorship)


@bp.get("/mentorships/<int:mentorship_id>")
@operation(resp=responses(200, MentorshipOut), tags=[MENTORING])
def get_mentorship(mentorship_id: int):
    """One of your mentorships."""
    return shapes.mentorship(queries.get_mentorship(actor(), mentorship_id))


@bp.get("/mentorships/<int:mentorship_id>/slots")
@operation(resp=responses(200, SlotList), tags=[MENTORING])
def free_slots(mentorship_id: int):
    """The slots a session can be booked in (UTC), as the booking page lists them."""
    m = queries.get_mentorship(actor(), mentorship_id)
    return {"items": [{"starts_at": a, "ends_at": b} for a, b in sessions.available_slots(m)]}


@bp.get("/sessions")
@operation(query=PageQuery, resp=responses(200, SessionPage, LIST_ERRORS), tags=[MENTORING])
def list_sessions(query: PageQuery):
    """Your sessions as mentor or learner, newest booking first."""
    rows, cursor = cursor_page(queries.sessions_select(actor()), query)
    return shapes.page(rows, cursor, shapes.session)


@bp.post("/mentorships/<int:mentorship_id>/sessions")
@operation(json=BookBody, resp=responses(201, SessionOut, ERRORS_WRITE), tags=[MENTORING])
def book_session(mentorship_id: int, json: BookBody):
    """Book a session in one of the mentorship's free slots (the learner, while it is active)."""
    m = queries.get_mentorship(actor(), mentorship_id)
    s = sessions.book_session(actor(), m, json.starts_at, json.agenda)
    return shapes.session(queries.get_session(actor(), s.id)), 201


@bp.get("/check-ins")
@operation(query=PageQuery, resp=responses(200, CheckInPage, LIST_ERRORS), tags=[MENTORING])
def list_checkins(query: PageQuery):
    """Check-ins of your mentorships, newest first."""
    rows, cursor = cursor_page(queries.checkins_select(actor()), query)
    return shapes.page(rows, cursor, shapes.checkin)


@bp.post("/check-ins/<int:checkin_id>")
@operation(json=CheckInBody, resp=responses(200, CheckInOut, ERRORS_WRITE), tags=[MENTORING])
def fill_checkin(checkin_id: int, json: CheckInBody):
    """Fill in an open check-in (the learner)."""
    c = checkins.submit_checkin(actor(), queries.get_checkin(actor(), checkin_id), json.progress,
                                json.blockers, json.next_steps)
    return shapes.checkin(c)
