"""``manage.py flower`` starts Flower on 127.0.0.1 with basic auth from the settings."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REDIS_SERVER_URL
from tests.scanning import ROOT, settings_env

pytestmark = pytest.mark.redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str, credentials: str | None = None) -> int:
    request = urllib.request.Request(url)
    if credentials:
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_flower_requires_basic_auth(make_settings, redis_prefix, tmp_path):
    port = _free_port()
    settings = make_settings(broker_url=REDIS_SERVER_URL, redis_key_prefix=redis_prefix,
                             flower_basic_auth="watcher:s3cret", flower_port=port)
    env = settings_env(settings)
    env["FOOTPRINT_FLOWER_BASIC_AUTH"] = "watcher:s3cret"
    env["FOOTPRINT_FLOWER_PORT"] = str(port)
    log = open(tmp_path / "flower.log", "wb")
    process = subprocess.Popen([sys.executable, "manage.py", "flower"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            if process.poll() is not None:
                pytest.fail(f"flower exited with {process.returncode}: {(tmp_path / 'flower.log').read_text()[-2000:]}")
            try:
                status = _status(url)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        else:
            pytest.fail(f"flower did not listen on {url}: {(tmp_path / 'flower.log').read_text()[-2000:]}")

        assert status == 401
        assert _status(url, "watcher:wrong") == 401
        assert _status(url, "watcher:s3cret") == 200
        assert b"s3cret" not in (tmp_path / "flower.log").read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
