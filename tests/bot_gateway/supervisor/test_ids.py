"""Ids from a request are validated by the framework (issue 16, bad input): a malformed id is a
clear 422, never a 500 (``?trainee_id=²`` passed ``str.isdigit`` and failed in ``int``)."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.bot_gateway.supervisor.conftest import World, sign_in

BAD_INTS = ["²", "١٢", "abc", "-1", "0", "1.5", "99999999999999999999", "2147483648"]


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    sign_in(client, "ada")
    return client


def test_a_bad_trainee_filter_is_a_clear_422(admin: TestClient, world: World) -> None:
    for value, url in itertools.product(
        BAD_INTS, ("/staff/sessions", "/staff/export", "/api/export")
    ):
        response = admin.get(
            url,
            params={"trainee_id": value},
            headers={"Authorization": f"Bearer {world.tokens['ada']}"},
        )
        assert response.status_code == 422, (url, value, response.status_code)
        assert "trainee_id" in response.text


def test_an_empty_trainee_filter_means_any(admin: TestClient, world: World) -> None:
    page = admin.get("/staff/sessions", params={"trainee_id": "", "cohort": ""})
    assert page.status_code == 200 and "王芳" in page.text and "Tom" in page.text
    exported = admin.get(
        "/api/export",
        params={"trainee_id": "", "format": "json"},
        headers={"Authorization": f"Bearer {world.tokens['ada']}"},
    )
    assert len(exported.json()["sessions"]) == 3


def test_a_strange_cohort_filter_matches_nothing_and_breaks_nothing(
    admin: TestClient, world: World
) -> None:
    for value in ("²", "99999999999999999999", "x" * 200):
        response = admin.get(
            "/api/export",
            params={"cohort": value, "format": "json"},
            headers={"Authorization": f"Bearer {world.tokens['ada']}"},
        )
        if len(value) > 40:
            assert response.status_code == 422
        else:
            assert response.status_code == 200 and response.json() == {"sessions": []}


def test_bad_ids_in_dashboard_paths_are_a_clear_422(admin: TestClient) -> None:
    for value in ("²", "99999999999999999999", "0"):
        _all_422(admin, value)


def _all_422(admin: TestClient, value: str) -> None:
    for method, url in (
        ("GET", f"/staff/trainees/{value}"),
        ("GET", f"/staff/trainees/{value}/progress.png"),
        ("GET", f"/staff/cohorts/{value}/weakest.png"),
        ("POST", f"/staff/turns/{value}/override"),
    ):
        data = {"overall": "50", "comment": "ok"} if method == "POST" else None
        response = admin.request(method, url, data=data)
        assert response.status_code == 422, (url, response.status_code)


def test_the_cohort_id_limit_still_finds_real_ids(admin: TestClient, world: World) -> None:
    assert admin.get(f"/staff/cohorts/{world.cohort_a}/weakest.png").status_code == 200
    assert admin.get("/staff/trainees/1").status_code == 200


def test_a_malformed_session_id_is_a_clear_422(client: TestClient) -> None:
    assert client.post("/api/signin", json={"name": "Li Lei"}).status_code == 200
    for value in ("not-a-session", "x" * 300, "１２３"):
        _session_urls_422(client, value)
    sign_in(client, "ada")
    for value in ("not-a-session", "x" * 300, "１２３"):
        assert client.get(f"/staff/sessions/{value}").status_code == 422
        assert client.get(f"/staff/sessions/{value}/mood.png").status_code == 422


def _session_urls_422(client: TestClient, value: str) -> None:
    for method, url in (
        ("GET", f"/api/sessions/{value}"),
        ("GET", f"/api/sessions/{value}/mood.png"),
        ("POST", f"/api/sessions/{value}/replies"),
        ("POST", f"/api/sessions/{value}/hint"),
        ("POST", f"/api/sessions/{value}/end"),
    ):
        json_body = {"text": "hello"} if url.endswith("replies") else None
        response = client.request(method, url, json=json_body)
        assert response.status_code == 422, (url, response.status_code)


def test_a_well_formed_unknown_session_is_still_a_404(client: TestClient, world: World) -> None:
    assert client.post("/api/signin", json={"name": "Li Lei"}).status_code == 200
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/api/sessions/{unknown}").status_code == 404
    assert client.get(f"/api/sessions/{world.session_a}").status_code == 404  # not theirs


def test_a_persona_id_is_bounded(client: TestClient) -> None:
    assert client.post("/api/signin", json={"name": "Li Lei"}).status_code == 200
    huge = client.post("/api/sessions", json={"persona_id": "p" * 100_000})
    assert huge.status_code == 422 and len(huge.text) < 2000  # not echoed back whole
    assert client.post("/api/sessions", json={"persona_id": ""}).status_code == 422
    unknown = client.post("/api/sessions", json={"persona_id": "nobody_here"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_persona"
