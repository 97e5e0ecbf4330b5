"""A PgBouncer of the test's own, in transaction mode, in front of the local PostgreSQL.

Debian's ``pgbouncer`` package (``.ci/run`` installs it). One server connection per database
(``default_pool_size = 1``), so every client's transactions share one PostgreSQL backend: what
one transaction leaves on the connection, the next client would see.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEADLINE = 15.0


@dataclass
class Bouncer:
    host: str
    port: int
    process: subprocess.Popen
    folder: Path
    user: str = ""

    def release(self, database: str) -> None:
        """Close its server connections to ``database`` (so it can be dropped), and take new
        clients again (the admin console's KILL, then RESUME)."""
        import psycopg

        with psycopg.connect(
            host=self.host, port=self.port, dbname="pgbouncer", user=self.user, autocommit=True
        ) as admin:
            admin.execute(f'KILL "{database}"')
            admin.execute(f'RESUME "{database}"')

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text() if path.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(*, server_host: str, server_port: int, user: str, password: str) -> Bouncer:
    """Start one on a free loopback port; ``stop`` ends it."""
    executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(executable):
        raise RuntimeError("pgbouncer is not installed (apt-get install pgbouncer)")
    # PgBouncer refuses to run as root: as root, it switches to PostgreSQL's system user, who
    # must read its files and write its log.
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o777)
    port = _free_port()
    escaped = password.replace('"', '""')
    (folder / "userlist.txt").write_text(f'"{user}" "{escaped}"\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server_host} port={server_port}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {folder / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        "default_pool_size = 1\n"
        "max_client_conn = 50\n"
        f"admin_users = {user}\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    for name in ("userlist.txt", "pgbouncer.ini"):
        (folder / name).chmod(0o644)
    command = [executable, "-q", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", pwd.getpwnam("postgres").pw_name]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    bouncer = Bouncer(host="127.0.0.1", port=port, process=process, folder=folder, user=user)
    deadline = time.monotonic() + DEADLINE
    while not _accepts(port):
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited: {process.stderr.read().decode()}")
        if time.monotonic() > deadline:
            stop(bouncer)
            raise RuntimeError("pgbouncer did not start listening")
        time.sleep(0.05)
    return bouncer


def stop(bouncer: Bouncer) -> None:
    bouncer.process.terminate()
    try:
        bouncer.process.wait(DEADLINE)
    except subprocess.TimeoutExpired:
        bouncer.process.kill()
        bouncer.process.wait(DEADLINE)
    shutil.rmtree(bouncer.folder, ignore_errors=True)
