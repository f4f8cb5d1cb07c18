"""``bundler serve``: the embedded all-in-one mode, started and stopped like a person at a terminal would."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from processes import alive, clean_env, descendants, free_port, processes_matching, wait_for_http

pytestmark = pytest.mark.slow


def _command_lines(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return "\n".join(lines)


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_serve_shows_the_sample_bundles_and_ctrl_c_leaves_nothing_behind(tmp_path):
    port = free_port()
    env = clean_env(BUNDLER_INSTANCE_PATH=str(tmp_path / "instance"), PYTHONUNBUFFERED="1")
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bundler", "serve", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        page = wait_for_http(f"http://127.0.0.1:{port}/", timeout=90)
        assert f"回执、短信和推送中的链接使用：http://127.0.0.1:{port}" in log_path.read_text()  # not :5000
        for name in ("开饭店", "新生儿出生", "企业开办", "退休"):
            assert name in page
        assert "个工作日" in page
        children = descendants(proc.pid)
        commands = _command_lines(children)
        assert "gunicorn" in commands and "bundler worker --kind local" in commands
        assert "bundler worker --kind remote" in commands  # department systems never hold up the inbox
        assert "bundler reference-system" in commands  # for the sample's tax office and power company
        assert "示例部门 GD、SW 的推送由本机参考业务系统接收" in log_path.read_text()
        socket_file = re.search(r"内嵌 Redis 已启动：(\S+)", log_path.read_text()).group(1)
        redis_pids = processes_matching(socket_file)
        assert redis_pids, "the embedded redis-server should be running"

        worker = next(pid for pid in children if "bundler worker --kind local" in _command_lines([pid]))
        os.kill(worker, signal.SIGKILL)  # a worker that dies is started again; the site goes on
        deadline = time.monotonic() + 30
        restarted: list[int] = []
        while not restarted and time.monotonic() < deadline:
            time.sleep(0.2)
            restarted = [  # a local worker started by serve itself
                p for p in descendants(proc.pid)
                if p != worker and _parent(p) == proc.pid and "bundler worker --kind local" in _command_lines([p])
            ]  # fmt: skip
        assert restarted, log_path.read_text()
        assert "任务进程意外退出（退出码 -9），正在重新启动" in log_path.read_text()
        assert "开饭店" in wait_for_http(f"http://127.0.0.1:{port}/", timeout=10)
        time.sleep(3)  # let the new worker settle before the Ctrl-C below
        children = descendants(proc.pid)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C in the terminal
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    deadline = time.monotonic() + 10
    while alive(children + redis_pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    output = log_path.read_text()
    assert alive(children + redis_pids) == [], output
    assert proc.returncode == 0, output
    assert "已全部停止" in output
    assert "Traceback" not in output, output


def test_serve_refuses_a_port_in_use_with_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = clean_env(BUNDLER_INSTANCE_PATH=str(tmp_path / "instance"))
        proc = subprocess.run(
            [sys.executable, "-m", "bundler", "serve", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=120, start_new_session=True,
        )  # fmt: skip
    assert proc.returncode != 0
    assert f"端口 {port} 已被占用" in proc.stdout + proc.stderr
