"""Errors as ``application/problem+json`` (RFC 9457): every refusal of the API has a status, a
short title and the same sentence (``detail``) the web page shows for it."""
from __future__ import annotations

from flask import Response, json, request
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE = "application/problem+json"

# What each status means in this API (the "type" member is "about:blank": the title is the
# status's standard phrase, RFC 9457 section 4.2.1).
DETAILS = {
    400: "The request could not be understood. Check what you sent.",
    401: "Send a valid personal access token as 'Authorization: Bearer <token>'.",
    403: "You are not allowed to do this.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    409: "This conflicts with the current state.",
    413: "The request is too large.",
    415: "Send the request body as application/json.",
    429: "Too many requests for this token. Wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged.",
}


def problem(status: int, detail: str | None = None, errors: list | None = None, headers=None) -> Response:
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status,
            "detail": detail or DETAILS.get(status, HTTP_STATUS_CODES.get(status, "Error")),
            "instance": request.path}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mentorhub"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class ApiProblem(Exception):
    """Raised inside the API to answer with a problem document."""

    def __init__(self, status: int, detail: str | None = None, errors: list | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
