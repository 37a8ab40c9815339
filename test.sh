#!/usr/bin/env bash
# Set up and run the whole test suite.
#   1. .venv with the pinned packages;
#   2. Debian's Chromium for the browser journeys and poppler's pdftoppm for PDF page images
#      (installed when missing and we may);
#   3. pytest on SQLite (in random order: pytest-randomly prints the seed; rerun one
#      order with -p randomly --randomly-seed=N), then the browser journeys on a fresh
#      demo database in file order;
#   4. the date-sensitive tests on SQLite again with the clock (KURS_SAAT) on chosen days:
#      a Wednesday, a Saturday, a leap day, New Year's Eve, a public holiday, and
#      00:05 in Istanbul on a server in UTC (the UTC date is the day before);
#   5. pytest again on PostgreSQL when TEST_DATABASE_URL is set or a server answers
#      on 127.0.0.1:5432 (database kurs_test is created), browser journeys excepted.
# Exits non-zero when any run fails.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"  # PDF pages as PNG artifacts
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Kuruluyor (tarayıcı testleri ve PDF görüntüleri için): $missing"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "UYARI: eksik: $missing; tarayıcı testleri / PDF görüntüleri atlanacak (sudo apt-get install $missing)."
  fi
fi

export KURS_DATA_DIR="${KURS_DATA_DIR:-$(mktemp -d)}"
status=0
echo "== SQLite =="
.venv/bin/python -m pytest -m "not browser" "$@" || status=$?
# The browser journeys walk the demo as a new user would: on a fresh demo database of their
# own, in file order (the random order above shuffles every other test; journeys written
# against the demo must not meet what other tests left in it).
echo "== SQLite, browser journeys =="
.venv/bin/python -m pytest -m browser -p no:randomly "$@" || status=$?

# The tests read "today" from app.core.clock, frozen per session (tests/conftest.py).
DATE_TESTS=(tests/test_courses.py tests/test_lesson_plan.py tests/test_exams.py tests/test_absences.py
            tests/test_enrollment.py tests/test_fees.py tests/test_course_races.py tests/test_time_zone.py
            tests/test_course_end.py)
# moment (Istanbul time) and the server's TZ
DATE_MATRIX=("2026-11-25T10:00 Europe/Istanbul" "2026-11-28T10:00 Europe/Istanbul"
             "2028-02-29T10:00 Europe/Istanbul" "2026-12-31T10:00 Europe/Istanbul"
             "2027-04-23T10:00 Europe/Istanbul" "2026-11-26T00:05 UTC")
for entry in "${DATE_MATRIX[@]}"; do
  read -r moment zone <<<"$entry"
  echo "== SQLite, KURS_SAAT=$moment TZ=$zone =="
  rc=0
  env -u TEST_DATABASE_URL KURS_SAAT="$moment" TZ="$zone" \
    .venv/bin/python -m pytest -q -m "not browser" "${DATE_TESTS[@]}" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "BAŞARISIZ: KURS_SAAT=$moment TZ=$zone (pytest çıkış kodu $rc)"
    status=$rc
  fi
done

PG_URL="${TEST_DATABASE_URL:-}"
if [ -z "$PG_URL" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kurs_test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE kurs_test" \
    && PG_URL="postgresql://postgres@127.0.0.1:5432/kurs_test"
fi
if [ -n "$PG_URL" ]; then
  echo "== PostgreSQL =="
  TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -m "not browser" "$@" || status=$?
else
  echo "PostgreSQL bulunamadı: testler yalnız SQLite üzerinde çalıştı."
fi
exit $status
