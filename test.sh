#!/usr/bin/env bash
# Set up and run the whole test suite.
#   1. .venv with the pinned packages;
#   2. Debian's Chromium for the browser journeys and poppler's pdftoppm for PDF page images
#      (installed when missing and we may);
#   3. pytest on SQLite;
#   4. pytest again on PostgreSQL when TEST_DATABASE_URL is set or a server answers
#      on 127.0.0.1:5432 (database kurs_test is created), browser journeys excepted.
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
.venv/bin/python -m pytest "$@" || status=$?

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
