#!/usr/bin/env bash
# Quick start: set up .venv and serve the application on http://127.0.0.1:8080
# with the demo data (SQLite file outside the source tree unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python run.py
