"""The schedule's process (issue 19) with real processes: `manage.py schedule` against a
Redis of its own, which the test restarts without persistence (as crontask's command died
on); and the production supervision (deploy/supervisord.conf) bringing a killed worker
back. In CI a missing redis-server fails these tests instead of skipping them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tracker.models import Alert, Heartbeat, Notification
from tracker.notifications import outbox as notifications

from .test_worker import ROOT, _database_url, mails, stop, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needs(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


class PrivateRedis:
    """A redis-server on a port of its own, no persistence: a restart forgets every key."""

    def __init__(self, tmp: Path) -> None:
        self.binary = _needs("redis-server")
        self.port, self.dir = _free_port(), tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis.from_url(self.url)
        assert wait_for(lambda: _pings(client), 10), "the private Redis did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(client.ping())
    except Exception:
        return False


def _env(**more: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER")
    }
    return (
        keep
        | {
            "DATABASE_URL": _database_url(),
            "DJANGO_DEBUG": "true",
            "LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "ldn_tracker.settings",
        }
        | more
    )


def _beat(name: str):  # type: ignore[no-untyped-def]
    row = Heartbeat.objects.filter(name=name).first()
    return row.beat_at if row else None


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_scheduler_rides_out_a_redis_restart_and_the_outbox_is_sent_once(
    redis_server, tmp_path, settings, patient, clinician
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = _env(
        REDIS_URL=redis_server.url, TASKS_BACKEND="redis", SCHEDULE_LOCK_REFRESH="1",
        SCHEDULE_LOCK_TIMEOUT="3", SWEEP_SECONDS="2", WORKER_HEARTBEAT_SECONDS="2",
        SEND_OVERDUE_SECONDS="1", EMAIL_BACKEND_CLASS="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )  # fmt: skip
    log = (tmp_path / "schedule.log").open("wb")
    scheduler = subprocess.Popen(
        [sys.executable, "manage.py", "schedule"], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    worker_command = [
        "rqworker", "default", "--with-scheduler", "--job-class", "django_tasks_rq.Job",
        "--worker-class", "tracker.rq_worker.Worker",
    ]  # fmt: skip
    workers = [
        subprocess.Popen([sys.executable, "manage.py", *worker_command], cwd=ROOT, env=env,
                         start_new_session=True)
    ]  # fmt: skip
    try:
        assert wait_for(lambda: _beat("scheduler") and _beat("worker"), 40), "no heartbeats"
        # This process queues through the same Redis.
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        }
        settings.RQ_QUEUES = {"default": {"URL": redis_server.url}}

        redis_server.stop()
        time.sleep(5)  # longer than the lock's life: crontask's command exited here
        alert = Alert.objects.create(
            patient=patient, kind="liver", priority=0, on=patient.diary_today()
        )
        row = notifications.queue(
            kind="urgent_alert", key="during the outage", recipient=clinician, alert=alert
        )
        assert row is not None  # its delivery could not be queued: Redis is down
        time.sleep(6)
        assert scheduler.poll() is None, "the scheduler exited during the outage"

        outage_over = timezone.now()
        redis_server.start()  # empty: the lock and the queue are gone
        for n, worker in enumerate(workers):  # the supervisor's job, if a worker gave up
            if worker.poll() is not None:
                workers[n] = subprocess.Popen([sys.executable, "manage.py", *worker_command],
                                              cwd=ROOT, env=env, start_new_session=True)  # fmt: skip
        assert wait_for(lambda: (_beat("scheduler") or outage_over) > outage_over, 30)
        assert wait_for(lambda: (_beat("worker") or outage_over) > outage_over, 40), (
            "no job of the schedule ran after the restart"
        )
        assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent", 40)
        time.sleep(4)  # a second send would have arrived by now
        assert len(mails(mail_dir)) == 1
        assert scheduler.poll() is None
    finally:
        stop(scheduler)
        for worker in workers:
            stop(worker)
        log.close()
    text = (tmp_path / "schedule.log").read_text()
    assert "schedule paused" in text and text.count("schedule running") >= 2
    assert scheduler.returncode == 0  # stopped by SIGTERM: a clean stop


def test_a_scheduler_waits_while_another_holds_the_schedule(redis_server):
    """Two schedulers, one lock: only the holder runs jobs; the other takes over when the
    holder stops confirming it."""
    from tracker.scheduling import Schedule, redis_lock

    ran: list[str] = []
    first = Schedule(redis_lock(redis_server.url, 3), jobs=[], on_beat=lambda: ran.append("first"))
    second = Schedule(
        redis_lock(redis_server.url, 3), jobs=[], on_beat=lambda: ran.append("second")
    )
    for schedule in (first, second):
        schedule.scheduler.start(paused=True)
    first.step()
    second.step()
    assert (first.holding, second.holding, ran) == (True, False, ["first"])
    first.lock.release()  # the first one is gone
    second.step()
    assert second.holding and ran[-1] == "second"
    first.step()
    assert not first.holding  # it finds the schedule taken and stays paused
    assert (first.scheduler.state, second.scheduler.state) == (2, 1)  # paused, running
    for schedule in (first, second):
        schedule.scheduler.shutdown(wait=False)


def test_a_scheduler_that_fails_says_so_and_exits_non_zero(monkeypatch, caplog):
    """Anything unexpected is logged and exits 1, for the supervisor to restart it (crontask's
    command exited 0 and looked like a deliberate stop)."""
    from django.core.management import call_command

    from tracker.management.commands import schedule

    def broken() -> None:
        raise RuntimeError("the database went away for good")

    monkeypatch.setattr(schedule, "run_forever", broken)
    with pytest.raises(SystemExit) as stopped:
        call_command("schedule")
    assert stopped.value.code == 1
    assert "scheduler failed" in caplog.text


def test_a_lost_lock_pauses_the_jobs_at_once():
    """Redis unreachable while holding the schedule: paused, not exited; resumed when the
    lock is confirmed again."""
    from redis.exceptions import ConnectionError as RedisDown

    from tracker.scheduling import Schedule

    class Flaky:
        down = False

        def acquire(self, blocking: bool = False) -> bool:
            return not self.down

        def extend(self, additional_time: float, replace_ttl: bool = False) -> bool:
            if self.down:
                raise RedisDown("Connection refused")
            return True

        def release(self) -> None:
            pass

    lock = Flaky()
    schedule = Schedule(lock, jobs=[], on_beat=lambda: None)
    schedule.scheduler.start(paused=True)
    schedule.step()
    assert schedule.holding and schedule.scheduler.state == 1
    lock.down = True
    schedule.step()
    assert not schedule.holding and schedule.scheduler.state == 2  # paused
    lock.down = False
    schedule.step()
    assert schedule.holding and schedule.scheduler.state == 1
    schedule.scheduler.shutdown(wait=False)


def test_supervision_restarts_a_killed_worker(tmp_path):
    _needs("sh")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    env = _env(
        LDN_RUN_DIR=str(run_dir), PORT=str(port), WEB_CONCURRENCY="1", TASKS_BACKEND="database",
        PATH=f"{bin_dir}:{os.environ.get('PATH', '')}", DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )  # fmt: skip
    conf = str(ROOT / "deploy" / "supervisord.conf")
    supervisord = subprocess.Popen(
        [str(bin_dir / "supervisord"), "-c", conf], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip

    def ctl(*args: str) -> str:
        done = subprocess.run(
            [str(bin_dir / "supervisorctl"), "-c", conf, *args], env=env, capture_output=True,
            text=True, timeout=30,
        )  # fmt: skip
        return done.stdout

    def running() -> bool:
        lines = ctl("status").splitlines()
        return len(lines) == 3 and all(" RUNNING " in line for line in lines)

    try:
        assert wait_for(running, 60), ctl("status")
        pid = int(ctl("pid", "worker").strip())
        os.kill(pid, signal.SIGKILL)
        assert wait_for(
            lambda: ctl("pid", "worker").strip() not in ("", "0", str(pid)) and running(), 60
        )
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/?probe=web", timeout=10) as r:
            assert r.status == 200
    finally:
        if supervisord.poll() is None:
            supervisord.send_signal(signal.SIGTERM)
            supervisord.wait(timeout=60)


def test_rq_workers_retake_a_dead_workers_scheduler_lock_within_minutes(redis_server):
    """A killed worker's RQ scheduler lock (about a minute) is looked at again every minute,
    not every 10, so deferred retries are not left waiting for the outbox sweep."""
    import redis

    from tracker.rq_worker import Worker

    worker = Worker(["default"], connection=redis.Redis.from_url(redis_server.url))
    assert worker.maintenance_interval == 60
    conf = (ROOT / "deploy" / "supervisord.conf").read_text()
    assert "--worker-class tracker.rq_worker.Worker" in conf
    assert "--worker-class tracker.rq_worker.Worker" in (ROOT / "Procfile").read_text()
