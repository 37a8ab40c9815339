"""Entry point: prepare the database on first run (or after an upgrade) and serve.

HOST, PORT and DATABASE_URL come from the environment (config.py). For production
use gunicorn and run `flask --app run kurs setup` once per deploy (README).
"""
import gc
import os

from app import create_app

app = create_app()
# The application's own objects (FAB's views, menus, SQLAlchemy's mappers: about 250,000) live
# as long as the process. Left to the garbage collector, each full collection walks them all:
# about 90 ms during which every request of this worker waits (the e-Sınav answer's p99 and
# the list pages' tail). Frozen, a collection walks only what requests made since.
gc.freeze()

if __name__ == "__main__":
    from app.cli import prepare

    with app.app_context():
        prepare(demo=os.environ.get("KURS_DEMO", "1") == "1")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8080"))
    print(f"Kurs Yönetimi: http://{host}:{port}/  (demo şifresi: Demo.Kurs.2026)", flush=True)
    app.run(host=host, port=port, debug=False, threaded=True)
