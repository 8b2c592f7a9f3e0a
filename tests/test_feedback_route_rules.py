"""The report form's route through the real app: each answer it can give — stored (303 to the
thanks page, naming the page reported), robots thanked and ignored, too large (413), a rule
broken (400, the form kept), too many (429 with Retry-After) — and the path it must be posted to."""

from __future__ import annotations

from fastapi.testclient import TestClient

from canus.web.app import create_app
from canus.web.feedback.store import MAX_BODY, FeedbackStore
from tests.test_feedback_csrf import COOKIE, FORM


def _client() -> tuple[TestClient, str]:
    client = TestClient(create_app(), follow_redirects=False)
    assert client.get(FORM).status_code == 200
    token = client.cookies.get(COOKIE)
    assert token
    return client, token


def _form(token: str, **extra: str) -> dict[str, str]:
    return {"csrf": token, "page": "/en/border", "kind": "wrong", "details": "The 2019 figure is wrong."} | extra


def test_a_stored_report_goes_to_the_thanks_page_naming_the_page_reported() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token, page="/en/energy"))
    assert r.status_code == 303 and r.headers["location"] == f"{FORM}?sent=1&page=/en/energy"
    [report] = FeedbackStore().list()
    assert (report.page, report.kinds, report.lang) == ("/en/energy", ["wrong"], "en")
    assert report.data_version  # the version of the data the reader saw


def test_a_page_that_is_not_the_sites_is_not_named_back() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token, page="https://evil.example/"))
    assert r.status_code == 303 and r.headers["location"] == f"{FORM}?sent=1"
    [report] = FeedbackStore().list()
    assert report.page == "/"


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_stored() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token, website="http://spam.example"))
    assert r.status_code == 303 and r.headers["location"] == f"{FORM}?sent=1"
    assert FeedbackStore().list() == []


def test_a_body_over_the_limit_is_refused_before_it_is_read_and_one_at_the_limit_is_not() -> None:
    client, token = _client()
    at_limit = _form(token)
    body = "&".join(f"{k}={v}" for k, v in at_limit.items()).replace(" ", "+")
    padded = body + "&pad=" + "x" * (MAX_BODY - len(body) - len("&pad="))
    assert len(padded) == MAX_BODY
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post(FORM, content=padded, headers=headers).status_code == 303
    r = client.post(FORM, content=padded + "x", headers=headers)
    assert r.status_code == 413
    assert "The report is too large: please keep it under 1,000 characters." in r.text
    assert len(FeedbackStore().list()) == 1


def test_a_broken_rule_answers_400_and_keeps_what_was_written() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token, kind="bogus", details="Keep my words"))
    assert r.status_code == 400 and "Unknown kind of problem: bogus" in r.text and "Keep my words" in r.text
    assert "retry-after" not in r.headers
    assert FeedbackStore().list() == []


def test_a_second_report_within_the_minute_answers_429_with_retry_after() -> None:
    client, token = _client()
    assert client.post(FORM, data=_form(token)).status_code == 303
    r = client.post(FORM, data=_form(token, details="Another one"))
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert len(FeedbackStore().list()) == 1


def test_the_form_of_one_language_is_not_posted_under_the_other() -> None:
    client, token = _client()
    assert client.post("/fr/report-problem", data=_form(token)).status_code == 404
    assert FeedbackStore().list() == []
