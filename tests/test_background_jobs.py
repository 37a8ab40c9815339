"""Background jobs and the storage of files (issue 15): a job's state and output answer
only the user who started it, are swept after JOB_KEEP_MINUTES (by the clock), and a
failure is reported; with Redis the job waits on the queue until a worker of any server
runs it (the server that started it need not live). Files go to an S3-compatible store
when a bucket is named, and a PDF can still embed them."""
import datetime as dt
import os
import time
import uuid

import pytest

from app.core import clock, jobs, storage, uploads
from tests.conftest import make_app
from tests.test_login_throttle import REDIS


def pdf_task(progress, text):
    progress(1)
    return b"%PDF-1.4 " + text.encode()


def failing_task(progress):
    raise RuntimeError("Yazıcı kağıdı bitti")


def wait(app, job, owner=1):
    for _ in range(100):
        with app.app_context():
            state = jobs.state(job, owner)
        if state is None or state["ready"] or state["error"]:
            return state
        time.sleep(0.1)
    raise AssertionError("the job never ended")


def output(app, state):
    with app.app_context():
        return uploads.read(state["dosya"])


def test_a_job_answers_its_owner_only_and_is_swept_after_the_set_time(db_url, tmp_path):
    app = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "uploads"), JOB_KEEP_MINUTES=30)
    with app.app_context():
        job = jobs.start(f"{__name__}.pdf_task", 1, 1, {"text": "bir"})
        forgotten = jobs.start(f"{__name__}.pdf_task", 1, 1, {"text": "iki"})
        failed = jobs.start(f"{__name__}.failing_task", 1, 1, {})
    state = wait(app, job)
    assert (state["done"], state["ready"], state["error"]) == (1, True, None)
    assert output(app, state) == b"%PDF-1.4 bir"
    assert wait(app, failed)["error"] == "Yazıcı kağıdı bitti"
    second = wait(app, forgotten)
    with app.app_context():
        assert jobs.state(job, 2) is None and jobs.state("../" + job, 1) is None
    clock.advance(dt.timedelta(minutes=29))
    with app.app_context():
        assert jobs.state(job, 1) is not None
    clock.advance(dt.timedelta(minutes=2))
    with app.app_context():
        assert jobs.state(job, 1) is None  # past its time: gone, and so is its file
        assert uploads.read(state["dosya"]) is None
        assert output(app, second) == b"%PDF-1.4 iki"  # nobody asked for it yet:
        jobs.start(f"{__name__}.pdf_task", 1, 1, {"text": "üç"})  # the next start sweeps it
        assert uploads.read(second["dosya"]) is None
        assert not list((tmp_path / "jobs").glob(f"{forgotten}*"))


def test_with_redis_a_job_waits_for_a_worker_of_any_server(db_url, tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    shared = {"REDIS_URL": REDIS, "REDIS_PREFIX": f"test-{uuid.uuid4().hex}", "JOB_KEEP_MINUTES": 30}
    web = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "uploads"), **shared)
    with web.app_context():
        job = jobs.start(f"{__name__}.pdf_task", 7, 1, {"text": "kuyruk"})
        assert jobs.state(job, 7)["ready"] is False  # on the queue: nothing runs it in this process
    time.sleep(0.3)
    with web.app_context():
        assert jobs.state(job, 7)["ready"] is False
    # the worker (another process, here another app) takes it; the web app was never asked
    worker = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "uploads"), **shared)
    with worker.app_context():
        jobs.work(burst=True)
    with web.app_context():
        state = jobs.state(job, 7)
        assert (state["ready"], state["done"], state["error"]) == (True, 1, None)
        assert jobs.state(job, 8) is None
        assert uploads.read(state["dosya"]) == b"%PDF-1.4 kuyruk"
    clock.advance(dt.timedelta(minutes=31))
    with web.app_context():
        jobs.start(f"{__name__}.pdf_task", 7, 1, {"text": "sonraki"})  # sweeps the one past its time
        assert uploads.read(state["dosya"]) is None
        assert redis.Redis.from_url(REDIS).get(f"{shared['REDIS_PREFIX']}:is:{job}") is None


def test_files_in_an_object_store_and_a_local_copy_for_pdfs(db_url, tmp_path):
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kurs-dosyalar")
        app = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "uploads"), S3_BUCKET="kurs-dosyalar",
                       S3_ACCESS_KEY_ID="kurs", S3_SECRET_ACCESS_KEY="gizli")
        with app.app_context():
            assert isinstance(storage.get(), storage.S3Storage)
            key = uploads.store("foto", b"\xff\xd8\xff fotograf", ".jpg")
            in_store = boto3.client("s3", region_name="us-east-1").get_object(Bucket="kurs-dosyalar", Key=key)
            assert in_store["Body"].read() == b"\xff\xd8\xff fotograf"
            assert not (tmp_path / "uploads" / key).exists()  # the store holds it, not this machine
            assert uploads.read(key) == b"\xff\xd8\xff fotograf"
            with open(uploads.absolute(key), "rb") as f:  # a PDF embeds it from a local copy
                assert f.read() == b"\xff\xd8\xff fotograf"
            for bad in ("../foto/x.jpg", "/etc/passwd", "foto//x", "foto\\x"):
                assert uploads.read(bad) is None
                with pytest.raises(uploads.BadFile):
                    uploads.absolute(bad)
            uploads.remove(key)
            assert uploads.read(key) is None and not (tmp_path / "uploads" / key).exists()
        with app.test_request_context():
            from werkzeug.exceptions import NotFound

            with pytest.raises(NotFound):
                uploads.send_stored(key, "image/jpeg", "x.jpg")
    local = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "yerel"))
    with local.app_context():  # the folder: a key that names a folder, or a path out of it, is no file
        key = uploads.store("foto", b"\xff\xd8\xff", ".jpg")
        assert uploads.read(key) == b"\xff\xd8\xff" and (tmp_path / "yerel" / key).exists()
        for bad in ("foto", "../uploads/" + key, "foto/../../x"):
            assert uploads.read(bad) is None


def test_without_redis_a_job_whose_process_ended_says_so(db_url, tmp_path):
    import subprocess
    import sys

    app = make_app(db_url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with app.app_context():
        job = jobs.start(f"{__name__}.pdf_task", 1, 1, {"text": "yarım"})
    wait(app, job)
    with app.app_context():  # as if a web process that had started it (and died) had written it
        jobs._update(job, ready=False, pid=gone.pid)
        assert jobs.state(job, 1)["error"] == jobs.MSG_LOST
        jobs._update(job, error=None, pid=os.getpid())
        assert jobs.state(job, 1)["error"] is None
