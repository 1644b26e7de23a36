"""The embedded default (SQLite behind ``manage.py runserver``) takes 40 votes at the same
moment over HTTP without one error.

The rest of the suite runs on PostgreSQL, so this test builds its own embedded server: a
temporary SQLite file, ``migrate``, an open ballot with 40 verified residents (the project's
factories and services, in ``embedded_ballot``), and ``runserver`` (threaded, as ``make run``
serves it) in a subprocess. Forty clients, each with its own cookies, log in and then choose
and confirm their votes together, released by barriers. Every answer must be the expected
page or redirect, and the ballot's running totals must count all 40. No connection may be
reset either: runserver's own listen queue of 10 reset about 17 of the burst's connections
before Django saw them, so portal.apps raises it to 128.

Without WAL, IMMEDIATE transactions and a busy timeout, some of those requests answer 500
("database is locked").
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.embedded_sqlite]

ROOT = Path(__file__).resolve().parents[2]
VOTERS = 40
CHOICES = ("for", "against", "abstain")
CONNECT_ATTEMPTS = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Voter:
    """One resident's phone: its own cookie jar, talking plain HTTP to the server."""

    def __init__(self, base: str, phone: str):
        self.base = base
        self.phone = phone
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects
        )

    def send(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """(status, Location) of one GET, or of one POST carrying the CSRF token."""
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                response.read()
                return response.status, ""
        except urllib.error.HTTPError as exc:
            exc.read()
            return exc.code, exc.headers.get("Location", "")


def _env(database: Path, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.deliberation.embedded_settings",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(media),
        LOG_LEVEL="WARNING",
    )
    return env


def _run(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def embedded_server(tmp_path):
    """A migrated SQLite file with an open ballot of 40 voters, served by runserver."""
    env = _env(tmp_path / "gongzhi.sqlite3", tmp_path / "media")
    _run(env, "manage.py", "migrate", "--noinput", "-v0")
    helper = ("-m", "tests.deliberation.embedded_ballot")
    ballot = json.loads(_run(env, *helper, "setup", str(VOTERS)))
    port = _free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "runserver did not start"
                time.sleep(0.2)
        yield {
            "base": base,
            "log": log_path,
            "count": lambda: json.loads(_run(env, *helper, "count", str(ballot["ballot"]))),
            **ballot,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_forty_residents_vote_at_once_on_the_embedded_sqlite_server(embedded_server):
    base, path = embedded_server["base"], embedded_server["path"]
    voters = [Voter(base, phone) for phone in embedded_server["phones"]]
    barrier = threading.Barrier(VOTERS)
    # (phone, step, status or exception) of every answer that wasn't the expected one.
    errors: list[tuple] = []
    resets: list[tuple] = []
    seconds: dict[str, float] = {}

    def step(voter: Voter, name: str, status: int, path: str, data=None, where: str = ""):
        """Send one request; note it if the answer isn't ``status`` (redirecting to ``where``)."""
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                answer = voter.send(path, data)
                break
            except ConnectionResetError as exc:
                # A listen queue too short for the burst resets connections before
                # Django sees them: counted (and must be none), then tried again so the
                # vote itself is still checked.
                answer = repr(exc)
                resets.append((voter.phone, name))
                time.sleep(0.05 * (attempt + 1))
            except Exception as exc:  # a timeout or any other failure is an error
                answer = repr(exc)
                break
        if isinstance(answer, str) or answer[0] != status or not answer[1].endswith(where):
            errors.append((voter.phone, name, answer))

    def vote(index: int) -> None:
        voter = voters[index]
        choice = CHOICES[index % len(CHOICES)]
        step(voter, "login page", 200, "/accounts/login/")
        login = {"username": voter.phone, "password": PASSWORD}
        step(voter, "log in", 302, "/accounts/login/", login)
        step(voter, "ballot page", 200, path)
        barrier.wait(timeout=60)
        if index == 0:
            seconds["votes_start"] = time.monotonic()
        # The two steps of the ballot page: choose (shows the choice back), then confirm.
        step(voter, "choose", 200, path, {"option": choice})
        barrier.wait(timeout=60)
        step(voter, "confirm", 302, path, {"option": choice, "confirm": "yes"}, where=path)

    started = time.monotonic()
    threads = [threading.Thread(target=vote, args=(i,)) for i in range(VOTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    finished = time.monotonic()
    assert not any(thread.is_alive() for thread in threads)

    log = embedded_server["log"].read_text()
    print(
        f"{VOTERS} voters: {len(errors)} errors, {len(resets)} connections reset and retried;"
        f" log-ins and votes {finished - started:.1f} s,"
        f" votes (choose + confirm) {finished - seconds.get('votes_start', started):.1f} s"
    )
    assert errors == [], f"{len(errors)} failed answers: {errors[:5]}\n{log[-3000:]}"
    # The server's listen queue holds the whole burst (portal.apps.RUNSERVER_LISTEN_QUEUE).
    assert resets == [], f"{len(resets)} connections reset: {resets[:5]}"
    assert "database is locked" not in log
    counted = embedded_server["count"]()
    assert counted["participations"] == VOTERS
    assert counted["heads"] == {"for": 14, "against": 13, "abstain": 13}
