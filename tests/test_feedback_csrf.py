"""The report form's CSRF check through the real app: a token must be signed by this site *and*
be the one this client was given (cookie). Each half is tested alone, so dropping either is caught."""

from __future__ import annotations

from fastapi.testclient import TestClient

from canus.web.app import create_app
from canus.web.feedback.store import FeedbackStore

FORM = "/en/report-problem"
COOKIE = "canus_csrf"


def _client() -> TestClient:
    # No `with`: the lifespan (and its warm-up thread) is not needed to post a form.
    return TestClient(create_app(), follow_redirects=False)


def _token_of(client: TestClient) -> str:
    r = client.get(FORM)
    assert r.status_code == 200
    token = client.cookies.get(COOKIE)
    assert token and token in r.text  # the form carries the same token as the cookie
    return token


def _post(client: TestClient, token: str) -> int:
    r = client.post(
        FORM, data={"csrf": token, "page": "/en/border", "kind": "wrong", "details": "The 2019 figure is wrong."}
    )
    return r.status_code


def test_own_token_is_accepted_and_stored() -> None:
    client = _client()
    assert _post(client, _token_of(client)) == 303
    assert len(FeedbackStore().list()) == 1


def test_token_taken_by_one_client_and_posted_by_another_is_refused() -> None:
    alice, mallory = _client(), _client()
    stolen = _token_of(alice)
    own = _token_of(mallory)
    assert stolen != own
    assert _post(mallory, stolen) == 403  # validly signed, but not this client's cookie
    assert FeedbackStore().list() == []


def test_token_with_a_bad_signature_is_refused_even_when_cookie_matches() -> None:
    client = _client()
    good = _token_of(client)
    forged = good[:16] + ("0" if good[16] != "0" else "1") + good[17:]
    assert len(forged) == len(good)
    client.cookies.set(COOKIE, forged)
    assert _post(client, forged) == 403
    assert FeedbackStore().list() == []


def test_a_token_signed_by_another_store_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = FeedbackStore(path=tmp_path / "other.sqlite3").new_token()
    client = _client()
    _token_of(client)
    client.cookies.set(COOKIE, other)
    assert _post(client, other) == 403
