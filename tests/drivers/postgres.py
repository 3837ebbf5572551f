"""A throwaway PostgreSQL server for the tests: initdb into a scratch folder, started on a free
loopback port (and a unix socket in the same folder), stopped and removed afterwards.

It needs PostgreSQL's server programs (Debian's ``postgresql``, which ``scripts/system-deps.sh``
installs). PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reflexion.testing.openai_stub import unused_port

PASSWORD = "reflexion-test"


def server_bin() -> Path | None:
    """The folder with PostgreSQL's ``initdb`` and ``pg_ctl``, or None when it is not installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parent.parent.name)
    return versions[-1].parent if versions else None


@dataclass(frozen=True)
class Postgres:
    port: int
    user: str = "reflexion"

    def url(self, *, password: str = PASSWORD, user: str | None = None, database: str = "postgres") -> str:
        return f"postgresql://{user or self.user}:{password}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser (for setting up a test's roles and databases)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)


@contextmanager
def throwaway_postgres(**settings: object) -> Iterator[Postgres]:
    """The server; ``settings`` are server settings (``max_connections=600``) on top of the defaults."""
    bindir = server_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server programs are not installed (Debian: apt-get install postgresql)")
    as_user: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="reflexion-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chmod(work, 0o700)
        os.chown(work, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, socket_dir, pwfile = work / "data", work / "sock", work / "pw"
    port = unused_port()
    extra = "".join(f" -c {name}={value}" for name, value in settings.items())

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run("mkdir", "-p", str(socket_dir))
        run("sh", "-c", f"printf %s {PASSWORD} > {pwfile}")
        run(str(bindir / "initdb"), "-D", str(data), "-U", "reflexion", f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(work / "log"), "-w", "-t", "60", "start",
            "-o", f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off{extra}")  # fmt: skip
        yield Postgres(port=port)
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(work, ignore_errors=True)
