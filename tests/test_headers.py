"""No script in a page: the Content-Security-Policy allows scripts only from this site's
files, and no page of the application carries an inline script or an on*= attribute that
the policy would have to allow. Frames, MIME sniffing, referrers and caches as
app/core/headers.py says. The pages are found by walking the application from the home
page (tests/test_fuzz_forms.walk), not listed by hand."""
from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.test_fuzz_forms import walk

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def test_every_answer_carries_the_security_headers(client):
    for url in ("/login/", "/", "/health", "/nosuchpage/"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "no-store" in headers["Cache-Control"]


def test_pages_with_personal_data_are_not_cached(as_user):
    client = as_user("12345678950")
    for url in ("/kursislemleri/list/", "/kurskursiyer/list/", "/api/v1/kursiyer/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    static = client.get("/static/js/kurs.js")
    static.close()
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


@pytest.mark.parametrize("user", ["12345678950", "kadikoy.sube", "admin"])
def test_no_page_has_an_inline_script_or_handler(app, user):
    client = login(app.test_client(), user)
    pages, _forms, _errors = walk(client)
    assert len(pages) > 20
    for path in sorted(pages):
        resp = client.get(path)
        html = resp.get_data(as_text=True) if "html" in (resp.content_type or "") else resp.get_data() and ""
        resp.close()
        if resp.status_code != 200 or not html:
            continue
        found = INLINE_SCRIPT.search(html) or HANDLER.search(html)
        assert found is None, f"{path}: {html[max(0, found.start() - 200):found.end() + 200]}"


def test_kept_urls_follow_the_request_they_are_built_for(app):
    """The URLs a request builds are kept (app.KursFlask.url_for) by what the request builds
    them with: the same link under another script root or host, or asked for external, is
    its own."""
    from flask import url_for

    with app.test_request_context("/", base_url="http://kurs.local/"):
        plain = url_for("SinifView.show", pk=1)
    with app.test_request_context("/", base_url="http://kurs.local/kurs/"):
        mounted = url_for("SinifView.show", pk=1)
        external = url_for("SinifView.show", pk=1, _external=True)
    with app.test_request_context("/", base_url="http://baska.local/kurs/"):
        other_host = url_for("SinifView.show", pk=1, _external=True)
        with_anchor = url_for("SinifView.show", pk=1, _anchor="onay")
    assert plain == "/sinif/show/1" and mounted == "/kurs/sinif/show/1"
    assert external == "http://kurs.local/kurs/sinif/show/1" and other_host == "http://baska.local/kurs/sinif/show/1"
    assert with_anchor == "/kurs/sinif/show/1#onay"


def test_urls_with_a_query_string_are_not_kept(app):
    """A query string is what a user typed (a filter of any length): kept, every new text
    would stay in each worker's memory. Only URLs of the rule's own arguments are kept."""
    from flask import url_for

    with app.test_request_context("/"):
        kept = app.__dict__.setdefault("_kurs_urls", {})
        before = len(kept)
        for i in range(5):
            assert url_for("SinifView.list", _flt_0_ad="ş" * 2000 + str(i)).startswith("/sinif/list/?_flt_0_ad=")
        assert len(kept) == before
        url_for("SinifView.show", pk=987654)
        assert len(kept) == before + 1
