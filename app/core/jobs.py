"""Background jobs: long work (a print of a thousand pages) outside the request.

``start(task, owner, total, kwargs)`` records the job's state and runs ``task`` (a dotted
path to ``f(progress, **kwargs) -> bytes``); its output goes into ``core.storage`` as
``jobs/<job><suffix>``, and the page that started it polls ``state`` for the progress.

* With ``REDIS_URL`` set the job goes on an RQ queue in Redis and its state lives there:
  a worker (``flask --app run kurs worker``, one or more, on any machine) runs it, every
  web server can follow it and, with the object store, serve its output, and a web worker
  that restarts loses nothing.
* Without Redis (the embedded default) the job runs in a thread of this process and its
  state is a small file in the data folder (shared by the workers of one machine); if that
  process ends first, the job's page says so instead of waiting for ever.

A job and its output are kept ``JOB_KEEP_MINUTES`` after it starts (by ``core.clock``),
then ``sweep`` (run at every start) removes them. ``state`` answers only the user who
started the job: anyone else is told it does not exist.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import threading
from pathlib import Path

from flask import current_app
from werkzeug.utils import import_string

from app.core import clock, storage

log = logging.getLogger(__name__)


# --- where the state lives ------------------------------------------------------------
def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    ext = current_app.extensions
    if "kurs_redis" not in ext:
        import redis

        ext["kurs_redis"] = redis.Redis.from_url(url)
    return ext["kurs_redis"]


def _prefix() -> str:
    return current_app.config.get("REDIS_PREFIX") or "kurs"


def queue_name() -> str:
    return f"{_prefix()}-isler"


def _state_key(job: str) -> str:
    return f"{_prefix()}:is:{job}"


def _index_key() -> str:
    return f"{_prefix()}:isler"


def _folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]).parent / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _keep() -> dt.timedelta:
    return dt.timedelta(minutes=int(current_app.config.get("JOB_KEEP_MINUTES", 60)))


def _load(job: str) -> dict | None:
    r = _redis()
    if r is not None:
        raw = r.get(_state_key(job))
        return json.loads(raw) if raw else None
    path = _folder() / f"{job}.json"
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def _save(job: str, state: dict) -> None:
    r = _redis()
    if r is not None:
        # Redis forgets it by itself a while after the sweep should have (real seconds)
        r.set(_state_key(job), json.dumps(state), ex=int(_keep().total_seconds()) + 3600)
        return
    path = _folder() / f"{job}.json"
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)


def _update(job: str, **changes) -> None:
    """Only the job's runner writes after the start, so read-change-write is safe."""
    state = _load(job)
    if state is not None:
        _save(job, {**state, **changes})


def _drop(job: str, state: dict | None) -> None:
    if state and state.get("dosya"):
        try:
            storage.get().delete(state["dosya"])
        except Exception:  # the store unreachable: the next sweep tries again
            log.exception("iş çıktısı silinemedi")
            return
    r = _redis()
    if r is not None:
        r.delete(_state_key(job))
        r.zrem(_index_key(), job)
    else:
        (_folder() / f"{job}.json").unlink(missing_ok=True)


def _expired(state: dict, now: dt.datetime) -> bool:
    try:
        return dt.datetime.fromisoformat(state["expires"]) <= now
    except (KeyError, TypeError, ValueError):
        return True


def sweep() -> int:
    """Remove every job (state and output) past its time; returns how many."""
    now = clock.now()
    r = _redis()
    gone = 0
    if r is not None:
        for raw in r.zrangebyscore(_index_key(), "-inf", now.timestamp()):
            job = raw.decode()
            _drop(job, _load(job))
            gone += 1
        return gone
    for path in _folder().glob("*.json"):
        state = _load(path.stem)
        if state is None or _expired(state, now):
            _drop(path.stem, state)
            gone += 1
    return gone


# --- the public side ------------------------------------------------------------------
def start(task: str, owner: int, total: int, kwargs: dict, suffix: str = ".pdf", extra: dict | None = None) -> str:
    """Record and launch a job for ``owner`` (the callers have checked scope and rights on
    what ``kwargs`` names); returns its id. ``extra``: shown on the job's page."""
    sweep()
    job = secrets.token_hex(12)
    now = clock.now()
    expires = now + _keep()
    r = _redis()
    # in a thread (no Redis) the job lives as long as this process: its pid tells
    _save(job, {**(extra or {}), "owner": owner, "total": total, "done": 0, "ready": False, "error": None,
                "started": now.isoformat(), "expires": expires.isoformat(), "dosya": f"jobs/{job}{suffix}",
                "pid": None if r is not None else os.getpid()})
    if r is not None:
        from rq import Queue

        r.zadd(_index_key(), {job: expires.timestamp()})
        Queue(queue_name(), connection=r).enqueue_call(
            "app.core.jobs.run", args=(job, task, kwargs), job_id=job,
            timeout=int(current_app.config.get("JOB_TIMEOUT_SECONDS", 1800)), result_ttl=0,
            failure_ttl=int(_keep().total_seconds()))
        return job
    app = current_app._get_current_object()

    def in_thread():
        with app.app_context():
            run(job, task, kwargs)

    threading.Thread(target=in_thread, daemon=True, name=f"is-{job}").start()
    return job


def state(job: str, owner: int) -> dict | None:
    """The job's state for the user who started it (None: no such job, gone, or not theirs)."""
    if not (isinstance(job, str) and job.isalnum() and len(job) <= 64):
        return None
    data = _load(job)
    if data is None or data.get("owner") != owner:
        return None
    if _expired(data, clock.now()):
        _drop(job, data)
        return None
    if not (data["ready"] or data["error"]) and data.get("pid") and not _alive(data["pid"]):
        data = {**data, "error": MSG_LOST}
        _save(job, data)
    return data


MSG_LOST = "Sunucu bu iş bitmeden yeniden başladı; lütfen yeniden \"Yazdır\" deyiniz."


def _alive(pid: int) -> bool:
    """Is the web process that ran a job in a thread still there (no Redis: one machine)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def run(job: str, task: str, kwargs: dict) -> None:
    """Run a job (in the RQ worker, or the thread of ``start``): progress and the outcome go
    into its state, the output into storage. Needs the app's context: the worker command
    (``work``) runs every job in its own."""
    from app.core.extensions import db

    data = _load(job)
    if data is None:  # swept before a worker took it
        return None
    try:
        output = import_string(task)(progress=lambda done: _update(job, done=done), **kwargs)
        storage.get().put(data["dosya"], output)
        _update(job, done=data["total"], ready=True)
    except Exception as exc:  # the page shows it; the log has the details
        log.exception("arka plan işi %s", task)
        _update(job, error=str(exc)[:200] or type(exc).__name__)
    finally:
        db.session.remove()
    return None


def work(burst: bool = False) -> None:
    """The worker's loop (``flask --app run kurs worker``): jobs of this installation's queue,
    one at a time, in this process and its app context."""
    from rq import SimpleWorker

    r = _redis()
    if r is None:
        raise RuntimeError("REDIS_URL ayarlı değil: arka plan işleri web sunucusunun içinde çalışır, "
                           "ayrı bir işçi gerekmez.")
    SimpleWorker([queue_name()], connection=r).work(burst=burst, with_scheduler=False,
                                                    logging_level=current_app.config.get("LOG_LEVEL") or "INFO")
