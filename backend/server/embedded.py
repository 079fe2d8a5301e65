"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is configured."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def start_embedded(data_dir: Path) -> str:
    """Start (or join) a PostgreSQL server with its data in `data_dir`; returns its URL.

    The server is stopped when the last process using it exits (pgserver's reference
    counting), so several workers of one service can share it."""
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver
    # falls back to a temporary folder, which is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    log.info("embedded PostgreSQL in %s", data_dir)
    return server.get_uri()
