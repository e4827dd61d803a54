"""A throwaway PostgreSQL server for the tests: initdb into a temporary directory, start
on a free port with fsync off, stop at the end. Needs PostgreSQL's server binaries
(`.ci/run` installs them); as root it runs the server as the `postgres` user."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _binaries() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(os.path.realpath(found))
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(candidates[-1]) if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields the URL of a fresh server's ``postgres`` database, as user ``postgres``."""
    bin_dir = _binaries()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL's server binaries are missing (apt-get install -y postgresql); "
            "set TUNESMITH_SKIP_POSTGRES=1 to skip the PostgreSQL tests"
        )
    root = tempfile.mkdtemp(prefix="tunesmith-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    initdb = [f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]
    subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
    options = f"-p {port} -k {root} -c fsync=off -c listen_addresses=127.0.0.1"
    log = os.path.join(root, "log")
    start = [f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-w", "-l", log, "start"]
    subprocess.run(_as_server_user(start), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """A new empty database on the server; returns its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
