"""schemathesis against /api/v1/openapi.json on a running app (a real HTTP server on loopback)
with the demo community and a write token: no 5xx, every answer matches its documented status,
media type and schema, and auth is enforced on every operation (schemathesis' ignored_auth check
resends each request without the token and expects a refusal).

Bounded: a few examples per operation (API_FUZZ_EXAMPLES), so the run stays well under two minutes.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from conftest import build_app
from mentorhub.accounts.queries import user_by_email
from mentorhub.api import tokens
from mentorhub.matching.publish import build_and_publish
from support import free_port

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          ignored_auth]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, sqlite_demo_template):
    """The app with the demo community, served on loopback; yields (base URL, write token)."""
    path = tmp_path_factory.mktemp("api-fuzz") / "demo.db"
    shutil.copy(sqlite_demo_template, path)  # the demo community (conftest.demo_database)
    app = build_app(f"sqlite:///{path}", TESTING=False)
    with app.app_context():
        build_and_publish()
        learner = user_by_email("learner@mentorhub.test")
        _, secret = tokens.create_token(learner, learner, "fuzz", "write", None)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", secret
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["db_engine"].dispose()


def test_api_conforms_to_its_document(demo_server):
    """Each operation in turn: EXAMPLES generated cases, each sent with the token and checked."""
    base, secret = demo_server
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)


def test_every_operation_refuses_a_request_without_a_token(demo_server):
    base, _ = demo_server
    doc = requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.1")
    count = 0
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security", doc.get("security")) == [{"bearer": []}], (method, path)
            url = base + path.replace("{", "").replace("}", "")
            url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
            resp = requests.request(method.upper(), url, timeout=10, json={})
            assert resp.status_code == 401, (method, path, resp.status_code)
            assert resp.headers["Content-Type"].startswith("application/problem+json")
            count += 1
    assert count >= 25
