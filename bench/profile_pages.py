"""Where a page's CPU goes, in-process on the demo data: function calls per request and the
share of the time by package (cProfile), so that a change is judged by counts and shares
within one run rather than by milliseconds on a shared machine.

    .venv/bin/python bench/profile_pages.py [user] [url ...] [--top N] [--sort tottime|cumulative]

Default: the pages of bench/throughput.py as kadikoy.sube. ``--top N`` also prints the N
functions first by ``--sort`` (default tottime) of each page, ``--callers REGEX`` the callers
of the functions that match.
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import defaultdict

from _measure import demo_app

URLS = ["/", "/sinif/list/", "/kursonay/list/", "/kurskursiyer/list/", "/egitici/list/", "/api/v1/kurs/",
        "/api/v1/sinif/"]
GROUPS = (("templates", ".html"), ("jinja2", "/jinja2/"), ("sqlalchemy", "/sqlalchemy/"),
          ("werkzeug", "/werkzeug/"), ("babel", "babel"), ("flask_login", "/flask_login/"),
          ("fab", "/flask_appbuilder/"), ("flask", "/flask/"), ("wtforms", "/wtforms/"),
          ("marshmallow", "/marshmallow"), ("markupsafe", "/markupsafe/"), ("app", "/app/"))
RUNS = 40
#: inclusive time of these (file[:line], function; the first found) as a share of the request's
PARTS = (("before the view", [("flask/app.py", "preprocess_request")]),
         ("view", [("flask/app.py", "dispatch_request")]), ("after the view", [("flask/app.py", "process_response")]),
         ("templates", [("flask/templating.py", "_render")]),
         ("list widget", [("flask_appbuilder/widgets.py:29", "__call__")]),
         ("search widget", [("app/core/filters.py", "__call__"), ("flask_appbuilder/widgets.py:102", "__call__")]),
         ("SQL", [("sqlalchemy/orm/session.py", "execute")]),
         ("gettext", [("app/core/i18n.py", "_domain_gettext"), ("flask_babel/__init__.py", "gettext")]),
         ("url_for", [("app/__init__.py", "url_for"), ("flask/app.py", "url_for")]),
         ("has_access", [("app/org/security.py", "has_access"), ("security/manager.py", "has_access")]))


def group(filename: str) -> str:
    for name, part in GROUPS:
        if part in filename:
            return name
    return "builtins" if filename == "~" else "other"


def profile(client, url: str, top: int, sort: str, callers: str = "") -> None:
    for _ in range(10):
        status = client.get(url).status_code
    if status != 200:
        print(f"{url}: {status}")
    start = time.perf_counter()
    for _ in range(RUNS):
        client.get(url)
    ms = (time.perf_counter() - start) * 1000 / RUNS
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(RUNS):
        client.get(url)
    prof.disable()
    stats = pstats.Stats(prof)
    shares, total = defaultdict(float), 0.0
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        shares[group(filename)] += tottime
        total += tottime
    line = " ".join(f"{k} {v / total:.0%}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1]) if v / total >= .01)
    print(f"{url:24} {ms:6.1f} ms  {stats.total_calls // RUNS:7,} calls/req   {line}", flush=True)
    whole = max(ct for (f, _, n), (_, _, _, ct, _) in stats.stats.items() if n == "wsgi_app")
    parts = []
    for label, places in PARTS:
        for where, name in places:
            found = [ct for (f, line, n), (_, _, _, ct, _) in stats.stats.items()
                     if n == name and (f.endswith(where) or f"{f}:{line}".endswith(where))]
            if found:
                parts.append(f"{label} {max(found) / whole:.0%}")
                break
    print(" " * 26 + ", ".join(parts))
    if top:
        stats.sort_stats(sort).print_stats(top)
    if callers:
        stats.print_callers(callers)


def main():
    from tests.conftest import login

    args = sys.argv[1:]
    top = int(args[args.index("--top") + 1]) if "--top" in args else 0
    sort = args[args.index("--sort") + 1] if "--sort" in args else "tottime"
    callers = args[args.index("--callers") + 1] if "--callers" in args else ""
    args = [a for i, a in enumerate(args) if not a.startswith("--") and not (i and args[i - 1].startswith("--"))]
    user = args[0] if args else "kadikoy.sube"
    app = demo_app()
    client = login(app.test_client(), user)
    print(f"{user}: {RUNS} requests per page")
    for url in args[1:] or URLS:
        profile(client, url, top, sort, callers)


if __name__ == "__main__":
    main()
