"""/projects and /applications, /meetups and RSVP, /portfolio items and reviews, /notifications:
each read is the feature's own query (so the same visibility), each write its own write module."""
from __future__ import annotations

from ..events import queries as events
from ..events.rsvp import rsvp as answer_rsvp
from ..notifications.inbox import mark_read
from ..notifications.queries import notifications_select
from ..portfolio import queries as portfolio
from ..portfolio.reviews import mark_helpful
from ..projects import applications
from ..projects import queries as projects
from . import shapes
from .blueprint import actor, bp
from .schemas import (
    ApplicationOut,
    ApplicationPage,
    ApplyBody,
    EventOut,
    EventPage,
    ItemOut,
    ItemPage,
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    ProjectOut,
    ProjectPage,
    ReviewList,
    ReviewOut,
    RsvpBody,
    RsvpOut,
)
from .spec import ERRORS_WRITE, PageQuery, cursor_page, operation, responses

LIST_ERRORS = (400, 401, 403, 429)


# ---- project ideas and applications ------------------------------------------------------------


@bp.get("/projects")
@operation(query=PageQuery, resp=responses(200, ProjectPage, LIST_ERRORS), tags=["projects"])
def list_projects(query: PageQuery):
    """Open project ideas (active and not stale, as the list page shows by default), newest first."""
    rows, cursor = cursor_page(projects.open_projects_select(), query)
    return shapes.page(rows, cursor, shapes.project)


@bp.get("/projects/<int:project_id>")
@operation(resp=responses(200, ProjectOut), tags=["projects"])
def get_project(project_id: int):
    """One project idea."""
    return shapes.project(projects.get_project(project_id))


@bp.post("/projects/<int:project_id>/applications")
@operation(json=ApplyBody, resp=responses(201, ApplicationOut, ERRORS_WRITE), tags=["projects"])
def apply(project_id: int, json: ApplyBody):
    """Apply to join a project idea's team (the rules of the project page's Apply button)."""
    application = applications.apply(actor(), project_id, json.motivation)
    return shapes.application(applications.get_application(application.id)), 201


@bp.get("/applications")
@operation(query=PageQuery, resp=responses(200, ApplicationPage, LIST_ERRORS), tags=["projects"])
def list_applications(query: PageQuery):
    """Your applications to projects, newest first."""
    rows, cursor = cursor_page(projects.applications_select(actor()), query)
    return shapes.page(rows, cursor, shapes.application)


@bp.post("/applications/<int:application_id>/withdraw")
@operation(resp=responses(200, ApplicationOut, ERRORS_WRITE), tags=["projects"])
def withdraw_application(application_id: int):
    """Withdraw your pending application."""
    return shapes.application(applications.withdraw(actor(), application_id))


# ---- meetups ------------------------------------------------------------------------------------


@bp.get("/meetups")
@operation(query=PageQuery, resp=responses(200, EventPage, LIST_ERRORS), tags=["meetups"])
def list_meetups(query: PageQuery):
    """Upcoming meetups you may see, newest first."""
    rows, cursor = cursor_page(events.upcoming_select(actor()), query)
    return shapes.page(rows, cursor, shapes.event)


@bp.get("/meetups/<int:event_id>")
@operation(resp=responses(200, EventOut), tags=["meetups"])
def get_meetup(event_id: int):
    """One meetup you may see."""
    return shapes.event(events.get_event(actor(), event_id))


@bp.post("/meetups/<int:event_id>/rsvp")
@operation(json=RsvpBody, resp=responses(200, RsvpOut, ERRORS_WRITE), tags=["meetups"])
def rsvp(event_id: int, json: RsvpBody):
    """Going or not going; going to a full meetup puts you on its waitlist."""
    row = answer_rsvp(actor(), events.get_event(actor(), event_id), json.going)
    return {"event_id": event_id, "status": row.status}


# ---- portfolio ----------------------------------------------------------------------------------


@bp.get("/portfolio")
@operation(query=PageQuery, resp=responses(200, ItemPage, LIST_ERRORS), tags=["portfolio"])
def list_items(query: PageQuery):
    """Portfolio items you may see, newest first."""
    rows, cursor = cursor_page(portfolio.items_select(actor()), query)
    return shapes.page(rows, cursor, shapes.item)


@bp.get("/portfolio/<int:item_id>")
@operation(resp=responses(200, ItemOut), tags=["portfolio"])
def get_item(item_id: int):
    """One portfolio item you may see."""
    return shapes.item(portfolio.item_page(actor(), item_id).item)


@bp.get("/portfolio/<int:item_id>/reviews")
@operation(resp=responses(200, ReviewList), tags=["portfolio"])
def item_reviews(item_id: int):
    """The reviews of an item you may see."""
    return {"items": [shapes.review(r) for r in portfolio.item_page(actor(), item_id).item.reviews]}


@bp.post("/reviews/<int:review_id>/helpful")
@operation(resp=responses(200, ReviewOut, ERRORS_WRITE), tags=["portfolio"])
def review_helpful(review_id: int):
    """Mark a review of your item as helpful."""
    review = mark_helpful(actor(), review_id, True)
    return shapes.review(portfolio.get_review(actor(), review.id))


# ---- notifications ------------------------------------------------------------------------------


@bp.get("/notifications")
@operation(query=NotificationQuery, resp=responses(200, NotificationPage, LIST_ERRORS), tags=["notifications"])
def list_notifications(query: NotificationQuery):
    """Your notifications, newest first (unread=true for the unread ones only)."""
    rows, cursor = cursor_page(notifications_select(actor(), unread_only=query.unread), query)
    return shapes.page(rows, cursor, shapes.notification)


@bp.post("/notifications/<int:notification_id>/read")
@operation(resp=responses(200, NotificationOut, ERRORS_WRITE), tags=["notifications"])
def read_notification(notification_id: int):
    """Mark one of your notifications as read."""
    return shapes.notification(mark_read(actor(), notification_id))
