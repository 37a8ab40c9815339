"""Entry point: prepare the database on first run (or after an upgrade) and serve.

HOST, PORT and DATABASE_URL come from the environment (config.py). For production
use gunicorn and run `flask --app run kurs setup` once per deploy (README).
"""
import os

from app import create_app

app = create_app()

if __name__ == "__main__":
    from app.cli import prepare

    with app.app_context():
        prepare(demo=os.environ.get("KURS_DEMO", "1") == "1")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8080"))
    print(f"Kurs Yönetimi: http://{host}:{port}/  (demo şifresi: Demo.Kurs.2026)", flush=True)
    app.run(host=host, port=port, debug=False, threaded=True)
