"""The report form as a reader gets it (GET): the page it names, what it says after a report, its
title in both languages, its limits, and the answers for a wrong language or path.

Written from the mutants that survived on the form page: the page a report is about is taken from
the address, so only one of the site's own paths, cut at its query and fragment, may be named
back as a link."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from canus.web.app import create_app
from canus.web.feedback.store import MAX_DETAILS, FeedbackStore
from tests.test_feedback_csrf import FORM

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
        ("/fr/report-problem", "Page introuvable"),  # the English path under /fr/
        ("/en/signaler-probleme", "Page not found"),  # and the French one under /en/
        ("/de/report-problem", "Unknown language: use /en/ or /fr/"),
    ],
)
def test_a_form_path_in_the_wrong_language_is_not_found_and_says_so(
    client: TestClient, path: str, message: str
) -> None:
    for method in ("GET", "POST"):
        r = client.request(method, path)
        assert r.status_code == 404, (method, path)
        assert message in r.text, (method, path)
