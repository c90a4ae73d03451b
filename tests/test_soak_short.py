"""A 20-second soak (bench/soak.py) so CI catches locking and lost-save regressions.

Real gunicorn with 3 workers on production settings, readers at full speed, an editor saving
through the admin and re-imports running at once; on the database the suite runs against.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_short_soak(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import soak

    db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    pg_name = f"zz_soak_ci_{os.getpid()}"
    try:
        result = soak.run(db, minutes=20 / 60, connections=8, port=free_port(), out=tmp_path, pg_name=pg_name)
    finally:
        if db == "postgres":
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"], check=False)
    assert soak.passed(result), json.dumps(result, ensure_ascii=False, default=str)  # a string: shown whole
    assert result["requests"] > 100 and result["editor_saves_saved"] >= 5 and result["reimports"] >= 1
