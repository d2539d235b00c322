"""The cluster `make run` serves from keeps PostgreSQL's durable settings (issue 12).

`make test` may start its own cluster without fsync; `make run` must not, and restarts a fast
cluster durable before serving. These tests read the options each mode uses from tools/dev.sh
(`pg-settings`, which starts nothing) and, when the cluster runs in run mode, ask it.
"""
import os
import subprocess

import pytest

FAST = ("fsync", "synchronous_commit", "full_page_writes")


def _root():
    return os.environ.get("JXC_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pg_settings(mode):
    out = subprocess.run([os.path.join(_root(), "tools", "dev.sh"), "pg-settings", mode],
                         check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    settings = {}
    words = out.split()
    for i, word in enumerate(words):
        if word == "-c":
            key, _, value = words[i + 1].partition("=")
            settings[key] = value
    return settings


def test_run_mode_is_durable():
    settings = pg_settings("run")
    assert "max_connections" in settings, settings  # the output was parsed
    for name in FAST:
        # Not set at all: PostgreSQL's default (on). Set: only to on.
        assert settings.get(name, "on") == "on", (name, settings)


def test_test_mode_may_be_fast():
    settings = pg_settings("test")
    assert all(settings.get(name) == "off" for name in FAST), settings


def test_running_cluster_in_run_mode_is_durable():
    """When the checkout's cluster was started by make run (no fsync=off on its command line),
    the server agrees: SHOW fsync, synchronous_commit, full_page_writes are all on."""
    state = os.environ.get("JXC_STATE_DIR") or os.path.join(_root(), ".local")
    pg_dir = os.path.realpath(os.environ.get("JXC_PG_DIR") or os.path.join(state, "pg"))
    opts_file = os.path.join(pg_dir, "data", "postmaster.opts")
    pid_file = os.path.join(pg_dir, "data", "postmaster.pid")
    try:
        with open(pid_file) as f:
            lines = f.read().splitlines()
        with open(opts_file) as f:
            opts = f.read()
    except OSError:
        pytest.skip("no PostgreSQL cluster runs in %s" % pg_dir)
    if "fsync=off" in opts:
        pytest.skip("the cluster runs in test mode (started by make test)")
    port, sock = lines[3], lines[4]
    for name in FAST:
        value = subprocess.run(["psql", "-h", sock, "-p", port, "-U", "postgres", "-d", "postgres",
                                "-X", "-tAc", "SHOW %s" % name],
                               check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        assert value.strip() == "on", (name, value)
