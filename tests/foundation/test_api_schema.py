"""schemathesis over the whole API as a branch secretary, a member and the town office: no answer is a 5xx,
and every answer (status, content type, body) is one the OpenAPI schema declares.

Its coverage phase sends each parameter's boundaries (an offset of 2⁶³, ids beyond 64 bits, years out of
range), its fuzzing phase a few random cases; the roles take turns case by case, so each operation is
called as all three while the whole run stays well under two minutes on SQLite."""

import itertools

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROLES = ("secretary_a", "member_a", "office")
CSRF = "schemathesisschemathesisschemat1"  # an unmasked token (32 characters) sent as cookie and header
# As a browser behind the HTTPS proxy would send them, so the calls pass with HTTPS on or off.
HEADERS = {"X-CSRFToken": CSRF, "X-Forwarded-Proto": "https", "Referer": "https://localhost/"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture
def sessions(world):
    # Called straight through WSGI, each request would end by closing the test's connection, which is
    # inside the test transaction (on PostgreSQL); Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cookies = []
    for role in ROLES:
        client = Client()
        client.force_login(world.user(role))
        cookies.append({"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF})
    yield itertools.cycle(cookies)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
def test_the_api_keeps_its_schema_for_every_role(case, sessions):
    case.call_and_validate(cookies=next(sessions), headers=HEADERS, checks=CHECKS)
