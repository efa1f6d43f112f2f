"""Local files of the zero-configuration setup are private to the service user."""

import os
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper


def sqlite_files_private(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """On each new SQLite connection: the database file and its -wal/-shm/-journal are 0600.

    SQLite creates the file with the process umask (usually 0644) and gives its journal
    files the database file's mode, so tightening the database file is enough for those
    made later; those that exist already are tightened too.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        try:
            if path.stat().st_uid == os.getuid():
                path.chmod(0o600)
        except FileNotFoundError:
            continue
