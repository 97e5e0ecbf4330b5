"""A real IMAP server for tests: Debian's Dovecot (``dovecot-imapd``), run as an unprivileged
process with a temporary configuration: maildirs in a temporary folder, one passwd-file user,
plain-text login on a free high port of 127.0.0.1. ``.ci/run`` installs the package."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
UNPRIVILEGED = "nobody"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def problem() -> str | None:
    """Why Dovecot cannot run here, or None."""
    if not os.path.exists(DOVECOT):
        return f"{DOVECOT} is missing (apt-get install dovecot-imapd)"
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        return "running as root without setpriv to drop privileges"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ImapServer:
    process: subprocess.Popen
    root: Path
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def deliver(self, raw: bytes, *, seen: bool = False) -> None:
        imap = self.connect()
        try:
            imap.append("INBOX", "(\\Seen)" if seen else None, None, raw)
        finally:
            imap.logout()

    def unseen(self) -> int:
        imap = self.connect()
        try:
            imap.select("INBOX")
            _status, found = imap.uid("SEARCH", None, "UNSEEN")
            return len((found[0] or b"").split())
        finally:
            imap.logout()

    def log_tail(self) -> str:
        log = self.root / "dovecot.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def start(root: Path, *, timeout: float = 20.0) -> ImapServer:
    """Start Dovecot under ``root``; as root, the server runs as ``nobody``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("run", "state", "mail"):
        (root / name).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(UNPRIVILEGED)
        user, uid, gid = UNPRIVILEGED, account.pw_uid, account.pw_gid
        group = grp.getgrgid(gid).gr_name
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    else:
        uid, gid = os.getuid(), os.getgid()
        user, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
        prefix = []
    port, password = _free_port(), "imap-test-password"
    (root / "passwd").write_text(f"inbox:{{PLAIN}}{password}\n")
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, user=user, group=group, uid=uid, gid=gid, port=port))
    if os.geteuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, gid)
        # The parents of a pytest folder are private to root: the server must reach its own.
        for parent in root.parents:
            if str(parent) in ("/", "/tmp"):
                break
            os.chmod(parent, os.stat(parent).st_mode | 0o011)
    process = subprocess.Popen(
        [*prefix, DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = ImapServer(process, root, port, "inbox", password)
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.connect().logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            if process.poll() is not None or time.monotonic() > deadline:
                stop(server)
                raise RuntimeError(f"Dovecot did not start.\n{server.log_tail()}") from None
            time.sleep(0.1)


def stop(server: ImapServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    if server.process.stderr:
        server.process.stderr.close()
