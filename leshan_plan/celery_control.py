"""Development tooling shared by the tests and the benchmarks: a real Celery worker, and pointing the app at a broker."""
import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELERY = [sys.executable, "-m", "celery", "-A", "leshan_plan"]


def use_broker(app, url: str | None) -> None:
    """Point the Celery app at a real broker (url) or back to in-process tasks (None), dropping cached pools."""
    app.conf.update(task_always_eager=url is None, task_eager_propagates=True, broker_url=url or "memory://")
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def running_worker(env: dict, log_path: Path, *, timeout: float = 30):
    """A solo worker (MACHINE-NOTES) that answered ping; stopped with SIGTERM (then killed) on exit.

    Raises RuntimeError with the end of the worker's log when it does not answer within `timeout` seconds.
    """
    with open(log_path, "w") as log:
        worker = subprocess.Popen(CELERY + ["worker", "--pool=solo", "-c", "1", "--without-gossip",
                                            "--without-mingle", "--without-heartbeat", "-l", "info"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + timeout
            while True:
                ping = subprocess.run(CELERY + ["inspect", "ping", "-t", "1"], cwd=ROOT, env=env,
                                      capture_output=True, text=True)
                if ping.returncode == 0 and "pong" in ping.stdout:
                    break
                if time.time() > deadline:
                    raise RuntimeError(f"the Celery worker did not answer ping within {timeout:.0f} s: "
                                       + log_path.read_text()[-2000:])
                time.sleep(0.5)
            yield worker
        finally:
            stop_process(worker)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``timeout`` seconds."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
