"""A throwaway demo instance for the in-process benchmarks (inprocess.py, phases.py)."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"User-Agent": "bro-bench", "Accept-Language": "nb-NO,nb;q=0.9,en;q=0.8"}


@contextmanager
def logged_in_demo(prefix: str, login: str = "amina@example.org"):
    """Like run.sh: migrations, demo data, SQLite and a random secret key in a temp folder
    (removed afterwards). Gives the app and a test client logged in as a demo person (the
    participant amina@example.org unless `login` names another)."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        yield _start(work, login)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _start(work: str, login: str):
    os.environ.update(BRO_INSTANCE_PATH=f"{work}/instance", FLASK_APP="portal:create_app",
                      DATABASE_URL=f"sqlite:///{work}/instance/bro.sqlite3",
                      SECRET_KEY=secrets.token_urlsafe(48))
    os.environ.pop("BRO_ENV", None)
    flask = str(Path(sys.executable).parent / "flask")
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([flask, *command], cwd=ROOT, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    from portal import create_app

    app = create_app()
    user = app.test_client()
    page = user.get("/accounts/login", headers=HEADERS).text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    response = user.post("/accounts/login", headers=HEADERS, data={
        "login": login, "password": "bro-demo-2026", "csrf_token": token})
    assert response.status_code == 303, response.status_code
    assert user.get("/", headers=HEADERS).status_code == 200
    return app, user
