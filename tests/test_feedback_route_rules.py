"""The report form's route through the real app: each answer it can give — stored (303 to the
thanks page, naming the page reported), robots thanked and ignored, too large (413), a rule
broken (400, the form kept), too many (429 with Retry-After) — and the path it must be posted to."""

from __future__ import annotations

import html
import re
import time

import pytest
from fastapi.testclient import TestClient

from canus.web.app import create_app
from canus.web.feedback.store import MAX_BODY, MAX_DETAILS, FeedbackStore
from canus.web.routes import feedback as routes_feedback
from tests.test_feedback_csrf import COOKIE, FORM


def _client() -> tuple[TestClient, str]:
    client = TestClient(create_app(), follow_redirects=False)
    assert client.get(FORM).status_code == 200
    token = client.cookies.get(COOKIE)
    assert token
    return client, token


def _form(token: str, **extra: str) -> dict[str, str]:
    return {"csrf": token, "page": "/en/border", "kind": "wrong", "details": "The 2019 figure is wrong."} | extra


def _multipart(fields: dict[str, str]) -> bytes:
    """A multipart body (boundary ``b``) of plain fields, as a browser would send them."""
    parts = [f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    return ("".join(parts) + "--b--\r\n").encode()


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


# -- the admin page: bearer token, wrong guesses counted per client and forgotten after the window

ADMIN = "/en/report-problem/admin"


def _admin_client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("CANUS_ADMIN_TOKEN", "admin-secret")
    return TestClient(create_app(), follow_redirects=False)


def test_the_admin_page_is_closed_without_an_admin_token() -> None:
    r = TestClient(create_app()).get(ADMIN, headers={"authorization": "Bearer anything"})
    assert r.status_code == 404 and "no CANUS_ADMIN_TOKEN is set" in r.text


def test_the_admin_token_is_taken_from_a_bearer_header_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _admin_client(monkeypatch)
    for auth in ("Bearer admin-secret", "bearer   admin-secret  ", "BEARER admin-secret"):
        r = client.get(ADMIN, headers={"authorization": auth})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store", auth
    # Not a bearer header: the page asks for the token and counts nothing.
    for auth in ("Basic admin-secret", "Beareradmin-secret", ""):
        r = client.get(ADMIN, headers={"authorization": auth})
        assert r.status_code == 200 and 'name="token"' in r.text
    assert routes_feedback._admin_failures == {}
    assert client.get(ADMIN, headers={"authorization": "Bearer wrong"}).status_code == 403
    assert len(routes_feedback._admin_failures["testclient"]) == 1


def test_the_closed_admin_page_says_why_in_the_readers_language() -> None:
    client = TestClient(create_app())
    en, fr = client.get(ADMIN), client.get("/fr/signaler-probleme/admin")
    assert (en.status_code, fr.status_code) == (404, 404)
    assert ">The feedback admin page is closed: no CANUS_ADMIN_TOKEN is set.<" in en.text
    assert (
        "La page d'administration des signalements est fermée\u00a0: CANUS_ADMIN_TOKEN n'est pas défini."
        in html.unescape(fr.text)
    )


def test_the_admin_page_lists_the_reports_in_the_readers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    client, token = _client()
    assert client.post(FORM, data=_form(token, kind="outdated", details="Stale 2019 figure")).status_code == 303
    admin = _admin_client(monkeypatch)
    bearer = {"authorization": "Bearer admin-secret"}
    en, fr = admin.get(ADMIN, headers=bearer), admin.get("/fr/signaler-probleme/admin", headers=bearer)
    for r in (en, fr):
        assert r.status_code == 200 and "Stale 2019 figure" in r.text and 'name="token"' not in r.text
        assert (r.headers["cache-control"], r.headers["x-robots-tag"]) == ("no-store", "noindex")
    assert "<title>Problem reports – canus</title>" in en.text and "<p>One report.</p>" in en.text
    assert "<title>Signalements de problèmes – canus</title>" in fr.text and "<p>Un signalement.</p>" in fr.text
    assert "The information is out of date" in en.text  # the kind by its name, not its key
    # No header at all (not an empty one): the page asks for the token.
    asked = admin.get(ADMIN)
    assert asked.status_code == 200 and 'name="token"' in asked.text and "Stale 2019 figure" not in asked.text
    assert "That token is not the admin token." not in asked.text


def test_the_admin_token_can_be_posted_and_a_wrong_one_is_refused_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    client, token = _client()
    assert client.post(FORM, data=_form(token, details="Posted token")).status_code == 303
    admin = _admin_client(monkeypatch)
    assert "Posted token" in admin.post(ADMIN, data={"token": "admin-secret"}).text
    # An empty field falls back to the bearer header.
    both = admin.post(ADMIN, data={"token": ""}, headers={"authorization": "Bearer admin-secret"})
    assert both.status_code == 200 and "Posted token" in both.text
    wrong = admin.post(ADMIN, data={"token": "guess"})
    assert wrong.status_code == 403 and "Posted token" not in wrong.text
    assert "That token is not the admin token." in wrong.text and 'name="token"' in wrong.text
    fr = admin.post("/fr/signaler-probleme/admin", data={"token": "guess"})
    assert fr.status_code == 403 and "Ce jeton n'est pas le jeton d'administration." in html.unescape(fr.text)
    assert routes_feedback._admin_failures == {"testclient": [pytest.approx(time.monotonic(), abs=60)] * 2}


def test_the_admin_post_takes_no_files_and_few_small_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _admin_client(monkeypatch)
    multipart = {"content-type": "multipart/form-data; boundary=b"}

    five = {"token": "admin-secret"} | {f"pad{i}": "x" for i in range(4)}
    assert admin.post(ADMIN, content=_multipart(five), headers=multipart).status_code == 200
    assert admin.post(ADMIN, content=_multipart(five | {"pad4": "x"}), headers=multipart).status_code == 400
    for size, status in ((1024, 200), (1025, 400)):  # a part of 1 KiB at most
        r = admin.post(ADMIN, content=_multipart({"token": "admin-secret", "pad": "x" * size}), headers=multipart)
        assert r.status_code == status, size
    r = admin.post(ADMIN, data={"token": "admin-secret"}, files={"f": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 400


def test_the_admin_token_is_the_apps_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token is read with the app's settings, not the environment of the moment."""
    from canus.settings import get_settings
    from canus.web.feedback.store import admin_token_ok

    admin = _admin_client(monkeypatch)
    settings = get_settings()
    monkeypatch.setenv("CANUS_ADMIN_TOKEN", "changed-since")
    assert admin.get(ADMIN, headers={"authorization": "Bearer admin-secret"}).status_code == 200
    assert admin.get(ADMIN, headers={"authorization": "Bearer changed-since"}).status_code == 403
    assert admin_token_ok("admin-secret", settings) and not admin_token_ok("changed-since", settings)
    assert admin_token_ok("changed-since") and not admin_token_ok("admin-secret")


def test_a_throttled_client_waits_in_its_language_but_may_still_see_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _admin_client(monkeypatch)
    for i in range(routes_feedback.ADMIN_TRIES):
        assert admin.post(ADMIN, data={"token": f"guess-{i}"}).status_code == 403
    for path, words in (
        (ADMIN, "Too many wrong tokens: try again in a minute."),
        ("/fr/signaler-probleme/admin", "Trop de jetons erronés\u00a0: réessayez dans une minute."),
    ):
        late = admin.post(path, data={"token": "admin-secret"})
        assert late.status_code == 429 and words in late.text
        assert (late.headers["retry-after"], late.headers["cache-control"]) == ("60", "no-store")
    # Asking for the page without a token is not a guess: the form is shown, nothing is counted.
    page = admin.get(ADMIN)
    assert page.status_code == 200 and 'name="token"' in page.text
    assert len(routes_feedback._admin_failures["testclient"]) == routes_feedback.ADMIN_TRIES
    assert admin.get(ADMIN, headers={"authorization": "Bearer x"}).status_code == 429


def test_a_request_without_a_client_address_is_counted_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """Some servers (a Unix socket behind a proxy) give no client address: guesses still count."""
    import asyncio

    import httpx

    _admin_client(monkeypatch)
    app = create_app()

    async def post(token: str) -> int:
        transport = httpx.ASGITransport(app=app, client=None)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://canus") as c:
            return (await c.post(ADMIN, data={"token": token})).status_code

    assert asyncio.run(post("guess")) == 403
    assert list(routes_feedback._admin_failures) == ["unknown"]
    assert asyncio.run(post("admin-secret")) == 200


def test_a_guess_is_forgotten_exactly_when_the_window_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    _admin_client(monkeypatch)
    now, window, tries = 1000.0, routes_feedback.ADMIN_WINDOW, routes_feedback.ADMIN_TRIES
    monkeypatch.setattr(routes_feedback, "time", SimpleNamespace(monotonic=lambda: now))
    routes_feedback._admin_failures["10.0.0.9"] = [now - window] * tries
    assert not routes_feedback._admin_throttled("10.0.0.9")  # a window old: forgotten
    routes_feedback._admin_failures["10.0.0.9"] = [now - window + 0.001] * tries
    assert routes_feedback._admin_throttled("10.0.0.9")  # just inside it: still counted


def test_wrong_admin_tokens_are_counted_per_client_within_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    _admin_client(monkeypatch)
    tries, window = routes_feedback.ADMIN_TRIES, routes_feedback.ADMIN_WINDOW
    throttled = routes_feedback._admin_throttled
    for _ in range(tries - 1):
        assert not throttled("10.0.0.1", failed=True)
    assert throttled("10.0.0.1", failed=True)  # the last try allowed uses them up
    assert throttled("10.0.0.1") and not throttled("10.0.0.2")
    # Guesses older than the window are forgotten, and a client without recent ones is dropped.
    now = time.monotonic()
    routes_feedback._admin_failures["10.0.0.1"] = [now - window - 1] * tries + [now - window + 5]
    assert not throttled("10.0.0.1")
    assert routes_feedback._admin_failures["10.0.0.1"] == [now - window + 5]
    routes_feedback._admin_failures["10.0.0.3"] = [now - window - 1]
    assert not throttled("10.0.0.3") and "10.0.0.3" not in routes_feedback._admin_failures


def test_a_flood_of_client_addresses_does_not_grow_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    _admin_client(monkeypatch)
    now = time.monotonic()
    routes_feedback._admin_failures.update({f"10.1.{i // 256}.{i % 256}": [now] for i in range(10_000)})
    assert not routes_feedback._admin_throttled("10.2.0.1", failed=True)
    assert routes_feedback._admin_failures == {}
    routes_feedback._admin_failures.update({f"10.1.{i // 256}.{i % 256}": [now] for i in range(9_999)})
    routes_feedback._admin_throttled("10.2.0.1", failed=True)
    assert len(routes_feedback._admin_failures) == 10_000


# -- the token middleware: which answers it touches


def test_a_readers_token_is_kept_across_pages_and_written_into_the_form() -> None:
    client, token = _client()
    again = client.get("/fr/signaler-probleme")
    assert "set-cookie" not in again.headers and f'value="{token}"' in again.text
    # A French page gives a new reader a token too, as a HEAD does (the same headers as a GET).
    for fresh in (TestClient(create_app()).get("/fr/signaler-probleme"), TestClient(create_app()).head(FORM)):
        assert fresh.headers["set-cookie"].startswith(f"{COOKIE}=") and "SameSite=Strict" in fresh.headers["set-cookie"]
        assert fresh.headers["cache-control"] == "private, max-age=60"


def test_answers_outside_the_pages_and_to_posts_are_left_alone() -> None:
    client = TestClient(create_app(), follow_redirects=False)
    missing = client.get("/static/nowhere.css")  # an HTML 404, but not a page of the site
    assert missing.status_code == 404 and "set-cookie" not in missing.headers
    assert missing.headers.get("cache-control") != "private, max-age=60"
    forged = client.post(FORM, data=_form("forged"))
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    assert forged.headers.get("cache-control") != "private, max-age=60"


# -- the form as a reader gets it (GET): the page it names back, thanks, titles, wrong paths.
# Written from the mutants that survived on the form page: the page a report is about is taken
# from the address, so only one of the site's own paths, cut at its query and fragment, is named.

FR_FORM = "/fr/signaler-probleme"


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app(), follow_redirects=False)


def _named(html: str) -> str | None:
    """The page the form says the report is about, or None when it names none."""
    m = re.search(r'<p>Page\xa0?:? <a href="([^"]*)">([^<]*)</a></p>', html)
    if m is None:
        return None
    assert m.group(1) == m.group(2)
    return m.group(1)


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("/en/border", "/en/border"),
        ("/en/border?year=2019", "/en/border"),
        ("/en/border#ports", "/en/border"),
        # two of each: the path ends at the first, never the last
        ("/en/border?year=2019?month=5", "/en/border"),
        ("/en/border#ports#top", "/en/border"),
        ("/en/border?a=1#b?c", "/en/border"),
        ("  /fr/frontiere  ", "/fr/frontiere"),
        ("/", "/"),
        ("/en/" + "a" * 296, "/en/" + "a" * 296),  # 300 characters: the longest named
        ("/en/" + "a" * 297, None),
        ("/en//evil.example/x", None),
        ("//evil.example/", None),
        ("https://evil.example/en/border", None),
        ("/de/grenze", None),
        ("/en/<script>", None),
        ("", None),
    ],
)
def test_the_form_names_only_a_page_of_the_site_cut_at_its_query_and_fragment(
    client: TestClient, given: str, named: str | None
) -> None:
    r = client.get(FORM, params={"page": given})
    assert r.status_code == 200
    assert _named(r.text) == named


def test_a_form_without_a_page_names_none(client: TestClient) -> None:
    assert _named(client.get(FORM).text) is None


def test_after_a_report_the_form_thanks_and_links_back_only_when_told_so(client: TestClient) -> None:
    sent = client.get(FORM, params={"sent": "1", "page": "/en/energy"}).text
    assert 'id="thanks"' in sent and "Thank you for your help!" in sent
    assert '<a href="/en/energy">Back to the page you were reading</a>' in sent
    assert 'name="csrf"' not in sent  # no second form under the thanks
    for other in ("0", "yes", ""):
        page = client.get(FORM, params={"sent": other}).text
        assert 'id="thanks"' not in page and 'name="csrf"' in page


def test_the_form_is_titled_and_states_its_limit_in_each_language(client: TestClient) -> None:
    en = client.get(FORM).text
    fr = client.get(FR_FORM).text
    assert "<title>Report a problem" in en
    assert "<title>Signaler un problème" in fr
    assert f"at most {MAX_DETAILS:,} characters" in en
    assert f"au plus {MAX_DETAILS:,} caractères".replace(",", "\xa0") in fr  # fr-CA groups with a space


def test_the_form_is_open_while_its_store_can_be_written(client: TestClient) -> None:
    assert FeedbackStore().writable()
    assert 'id="form-closed"' not in client.get(FORM).text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/fr/report-problem", "<h1>Page introuvable</h1>"),  # the English path under /fr/
        ("/en/signaler-probleme", "<h1>Page not found</h1>"),  # and the French one under /en/
        ("/de/report-problem", "<p>Unknown language: use /en/ or /fr/</p>"),
    ],
)
def test_a_form_path_in_the_wrong_language_is_not_found_and_says_so(
    client: TestClient, path: str, message: str
) -> None:
    for method in ("GET", "POST"):
        r = client.request(method, path)
        assert r.status_code == 404, (method, path)
        assert message in r.text, (method, path)
        assert "Not Found" not in r.text  # Starlette's English reason phrase is not shown


def test_an_error_without_words_of_its_own_shows_its_title_only_and_the_api_a_reason(client: TestClient) -> None:
    page = client.get("/fr/affirmations-inconnues/x")
    assert page.status_code == 404 and "<h1>Page introuvable</h1>" in page.text and "Not Found" not in page.text
    r = client.post("/api/metrics")
    assert r.status_code == 405 and r.json() == {"error": "Method Not Allowed", "status": 405}


# -- posting: what a refused post keeps, what is refused before it is read, one client from another


def test_a_refused_token_answers_403_keeping_the_page_and_saying_why() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token[:-1] + ("0" if token[-1] != "0" else "1"), page="/en/energy"))
    assert r.status_code == 403
    assert "This form has expired or did not come from this site. Please send it again from this page." in r.text
    assert _named(r.text) == "/en/energy"
    assert FeedbackStore().list() == []


def test_a_broken_rule_keeps_the_page_and_the_boxes_ticked() -> None:
    client, token = _client()
    r = client.post(FORM, data={**_form(token, page="/en/trade", details=""), "kind": ["wrong", "bogus"]})
    assert r.status_code == 400 and _named(r.text) == "/en/trade"
    assert re.search(r'value="wrong" id="fp-wrong" checked>', r.text)
    assert not re.search(r'value="outdated" id="fp-outdated" checked>', r.text)


def test_a_post_without_a_length_is_refused_before_it_is_read() -> None:
    client, token = _client()
    body = "&".join(f"{k}={v}" for k, v in _form(token).items()).encode()
    r = client.post(FORM, content=iter([body]), headers={"content-type": "application/x-www-form-urlencoded"})
    assert "content-length" not in r.request.headers  # sent in chunks
    assert r.status_code == 413 and FeedbackStore().list() == []


def test_a_report_without_details_is_stored_with_none() -> None:
    client, token = _client()
    form = _form(token)
    del form["details"]
    assert client.post(FORM, data=form).status_code == 303
    [report] = FeedbackStore().list()
    assert report.details == "" and report.kinds == ["wrong"]


def test_files_are_refused_and_fields_are_counted_in_a_multipart_post() -> None:
    client, token = _client()
    r = client.post(FORM, data=_form(token), files={"shot": ("a.png", b"\x89PNG", "image/png")})
    assert r.status_code == 400 and FeedbackStore().list() == []
    # 30 fields at most: the form's own 4 and 26 more pass; one more is refused.
    pads = {f"pad{i}": "x" for i in range(26)}
    many = {**_form(token), **pads}
    assert len(many) == 30
    multipart = {"content-type": "multipart/form-data; boundary=b"}

    r = client.post(FORM, content=_multipart({**many, "pad26": "x"}), headers=multipart)
    assert r.status_code == 400 and FeedbackStore().list() == []
    assert client.post(FORM, content=_multipart(many), headers=multipart).status_code == 303


def test_reports_are_counted_per_client_address() -> None:
    app = create_app()
    for address in ("192.0.2.1", "192.0.2.2"):
        client = TestClient(app, follow_redirects=False, client=(address, 50000))
        client.get(FORM)
        token = client.cookies.get(COOKIE)
        assert token
        assert client.post(FORM, data=_form(token)).status_code == 303, address
    assert len(FeedbackStore().list()) == 2


def test_a_store_that_cannot_write_answers_503_keeping_what_was_written() -> None:
    from tests.test_feedback import _read_only

    client, token = _client()
    assert client.post(FORM, data=_form(token, details="first")).status_code == 303
    store = FeedbackStore()
    # The second post comes from another address: no rate limit in the way.
    other = TestClient(client.app, follow_redirects=False, client=("192.0.2.9", 50000))
    other.get(FORM)
    token = other.cookies.get(COOKIE) or ""
    with _read_only(store.path):
        r = other.post(FORM, data={**_form(token, page="/en/energy", details="Keep these words"), "kind": "outdated"})
    assert r.status_code == 503 and r.headers["retry-after"] == "3600"
    assert "Reports are closed for now: this server cannot store them." in r.text
    assert _named(r.text) == "/en/energy" and "Keep these words" in r.text
    assert re.search(r'value="outdated" id="fp-outdated" checked>', r.text)
    assert [rep.details for rep in store.list()] == ["first"]


def test_reports_go_to_the_store_of_the_apps_own_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from canus.settings import get_settings

    own = replace(get_settings(), home=tmp_path / "served-home")
    client = TestClient(create_app(own), follow_redirects=False)
    client.get(FORM)
    token = client.cookies.get(COOKIE) or ""
    assert client.post(FORM, data=_form(token)).status_code == 303
    assert [r.details for r in FeedbackStore(own).list()] == ["The 2019 figure is wrong."]
    assert FeedbackStore().list() == []  # not the home of the environment (CANUS_HOME)


def test_the_form_and_the_admin_page_show_when_their_data_was_built(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import publish_bts_fixture

    publish_bts_fixture(tmp_path, monkeypatch)
    monkeypatch.setenv("CANUS_ADMIN_TOKEN", "admin-secret")
    client = TestClient(create_app())
    admin = client.get(ADMIN, headers={"authorization": "Bearer admin-secret"}).text
    for page in (client.get(FORM).text, admin):
        assert re.search(r'Date modified: <time datetime="\d{4}-\d{2}-\d{2}">', page)


def test_on_a_home_that_cannot_be_written_the_form_is_closed_its_token_kept_and_a_post_refused_as_closed() -> None:
    from canus.settings import get_settings
    from tests.test_feedback import _read_only

    home = get_settings().home
    home.mkdir(parents=True)
    with _read_only(home):
        client = TestClient(create_app(), follow_redirects=False)
        page = client.get(FORM)
        assert page.status_code == 200 and 'id="form-closed"' in page.text
        token = client.cookies.get(COOKIE)
        # The secret lives in memory, once per server: the reader's token outlives a second page.
        client.get(FORM)
        assert token and client.cookies.get(COOKIE) == token
        r = client.post(FORM, data=_form(token))
    assert r.status_code == 503 and "Reports are closed for now: this server cannot store them." in r.text
    assert not FeedbackStore().path.exists()


def test_a_refusal_on_the_french_form_is_in_french() -> None:
    client = TestClient(create_app(), follow_redirects=False)
    client.get(FR_FORM)
    token = client.cookies.get(COOKIE) or ""
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    r = client.post(FR_FORM, data=_form(forged, page="/fr/frontiere"))
    assert r.status_code == 403
    assert "Ce formulaire a expiré ou ne vient pas de ce site. Veuillez l'envoyer de nouveau" in r.text.replace(
        "&#39;", "'"
    )
    big = "&".join(f"{k}={v}" for k, v in _form(token).items()) + "&pad=" + "x" * MAX_BODY
    headers = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post(FR_FORM, content=big, headers=headers)
    assert r.status_code == 413
    assert "Le signalement est trop long\u00a0: veuillez ne pas dépasser 1\xa0000 caractères." in r.text


def test_a_post_that_comes_first_after_a_restart_goes_to_the_apps_own_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from canus.settings import get_settings

    own = replace(get_settings(), home=tmp_path / "served-home")
    before = TestClient(create_app(own))
    before.get(FORM)
    token = before.cookies.get(COOKIE) or ""
    # A new server on the same home: the form from before the restart is its first request.
    restarted = TestClient(create_app(own), follow_redirects=False, cookies={COOKIE: token})
    assert restarted.post(FORM, data=_form(token)).status_code == 303
    assert len(FeedbackStore(own).list()) == 1 and FeedbackStore().list() == []
