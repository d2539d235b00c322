"""The cluster `make run` serves from keeps PostgreSQL's durable settings (issue 12).

`make test` may start its own cluster without fsync; `make run` must not, and restarts a fast
cluster durable before serving. These tests read the options each mode uses from tools/dev.sh
(`pg-settings`, which starts nothing) and ask a throwaway cluster started fast, then served.
"""
import os
import subprocess


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


def _as_postgres(command):
    # initdb and pg_ctl refuse root: as root they run as the postgres system user (as tools/dev.sh does).
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + command


def _show(sock, port, name):
    return subprocess.run(["psql", "-h", sock, "-p", str(port), "-U", "postgres", "-d", "postgres", "-X",
                           "-tAc", "SHOW %s" % name],
                          check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()


def test_a_fast_cluster_is_restarted_durable_before_serving():
    """A throwaway cluster started fast (as make test starts one) is restarted durable by the
    serving start (`tools/dev.sh pg-start`, the same path as make run's) and then reports
    fsync, synchronous_commit and full_page_writes on."""
    from conftest import free_port
    pg_dir = "/var/tmp/jxc-durable-test-%d" % os.getpid()
    port = free_port()
    env = dict(os.environ, JXC_PG_DIR=pg_dir, JXC_PG_PORT=str(port))
    dev = os.path.join(_root(), "tools", "dev.sh")
    try:
        # pg-settings: the folder, owned by the cluster's user; then a fast start by hand.
        subprocess.run([dev, "pg-settings", "test"], check=True, env=env, stdout=subprocess.DEVNULL)
        data, sock = os.path.join(pg_dir, "data"), os.path.join(pg_dir, "run")
        bin_dir = os.path.dirname(subprocess.run(
            ["bash", "-c", "command -v pg_ctl || ls -d /usr/lib/postgresql/*/bin/pg_ctl | tail -1"],
            check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.strip())
        subprocess.run(_as_postgres(["mkdir", "-p", data, sock]), check=True)
        subprocess.run(_as_postgres([os.path.join(bin_dir, "initdb"), "-D", data, "-U", "postgres",
                                     "--auth=trust"]), check=True, stdout=subprocess.DEVNULL)
        fast = pg_settings("test")
        options = "-p %d -k %s -c listen_addresses='' %s" % (
            port, sock, " ".join("-c %s=%s" % (name, fast[name]) for name in FAST))
        subprocess.run(_as_postgres([os.path.join(bin_dir, "pg_ctl"), "-D", data, "-w", "-o", options,
                                     "-l", os.path.join(pg_dir, "log"), "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        assert _show(sock, port, "fsync") == "off"

        subprocess.run([dev, "pg-start"], check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for name in FAST:
            assert _show(sock, port, name) == "on", name
    finally:
        subprocess.run([dev, "stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", pg_dir])
