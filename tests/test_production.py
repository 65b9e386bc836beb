"""Production settings, the image build and the compose file, checked the way they are used:
`manage.py check --deploy` and the Dockerfile's own collectstatic step run in fresh processes
with the production environment, no database or Redis reachable and no server started."""

from __future__ import annotations

import json
import os
import re
import runpy
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
UNREACHABLE = {"DATABASE_URL": "postgres://store:x@127.0.0.1:1/store", "REDIS_URL": "redis://127.0.0.1:1/0"}
# Everything that can create a process, as Python's audit hooks name it.
SPAWN_EVENTS = (
    "subprocess.Popen",
    "os.system",
    "os.fork",
    "os.forkpty",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production environment: real-looking secrets, services that do not answer, and a
    VAR_DIR of its own (so any embedded server started by mistake would leave files there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    return {
        **env,
        **UNREACHABLE,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "shop.example.com",
        "VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def run(command: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def assert_nothing_started(tmp_path: Path) -> None:
    """No embedded PostgreSQL or Redis was started: their data folders were never created."""
    var = tmp_path / "var"
    assert not (var / "pg").exists() and not (var / "redis").exists()


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    done = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert_nothing_started(tmp_path)


@pytest.mark.parametrize("missing", [{"DEBUG": "1"}, {"SECRET_KEY": "too-short"}])
def test_production_settings_refuse_debug_and_weak_secret_keys(tmp_path, missing):
    done = run([sys.executable, "manage.py", "check"], production_env(tmp_path, **missing))
    assert done.returncode != 0 and "config.settings.production needs" in done.stderr


def test_importing_the_settings_starts_no_process(tmp_path):
    """`import config.settings.production` (and base) with an audit hook that sees every attempt
    to create a process: there is none, and no embedded server's folder appears."""
    code = (
        "import sys\n"
        "spawned = []\n"
        f"spawns = {SPAWN_EVENTS!r}\n"
        "sys.addaudithook(lambda event, args: event.startswith(spawns) and spawned.append(event))\n"
        "import config.settings.production, config.settings.base\n"
        "print('spawned:', spawned)\n"
    )
    done = run([sys.executable, "-c", code], production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "spawned: []"
    assert_nothing_started(tmp_path)


def dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The environment and command of the Dockerfile's collectstatic step, with the image's ENV."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    image_env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, flags=re.M):
        image_env.update(word.split("=", 1) for word in shlex.split(line))
    [step] = [line for line in re.findall(r"^RUN (.+)$", text, flags=re.M) if "collectstatic" in line]
    assert "||" not in step and ";" not in step, "a failing collectstatic must fail the build"
    words = shlex.split(step)
    step_env = dict(word.split("=", 1) for word in words if re.fullmatch(r"[A-Z_]+=.*", word))
    command = [word for word in words if not re.fullmatch(r"[A-Z_]+=.*", word)]
    return {**image_env, **step_env}, command


@pytest.mark.slow
def test_the_dockerfile_collectstatic_step_runs_offline_and_whitenoise_serves_the_files(tmp_path):
    build_env, command = dockerfile_collectstatic()
    assert build_env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert command[:2] == ["python", "manage.py"]
    static_root = tmp_path / "static"
    # The build has no database, Redis or secrets: only the step's own environment.
    env = {
        "PATH": os.environ["PATH"],
        **build_env,
        "STATIC_ROOT": str(static_root),
        "VAR_DIR": str(tmp_path / "var"),
    }
    done = run([sys.executable, *command[1:]], env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert_nothing_started(tmp_path)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ("recommender/like_this.js", "shop/shop.css", "admin/css/base.css"):
        assert (static_root / manifest[name]).exists()

    # With DEBUG=0, the production app serves them itself (WhiteNoise), hashed and cacheable.
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        f"for name in {[manifest['recommender/like_this.js'], manifest['admin/css/base.css']]!r}:\n"
        "    r = Client().get('/static/' + name, secure=True)\n"
        "    print(r.status_code, r['Cache-Control'])\n"
    )
    served = run(
        [sys.executable, "-c", code],
        production_env(tmp_path, STATIC_ROOT=str(static_root), ALLOWED_HOSTS="testserver"),
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.split("\n")[:2] == ["200 max-age=315360000, public, immutable"] * 2


def test_the_compose_file_runs_production_with_health_checks():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]  # anchors resolved
    for name in ("web", "worker", "gpu-worker"):
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert "SECRET_KEY:?" in service["environment"]["SECRET_KEY"]  # required, no default
        assert "REDIS_FALLBACK" not in service["environment"]  # an unreachable Redis is an error
        assert service["healthcheck"]["test"]
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("db", "db-replica"):  # sized for a large catalog, not PostgreSQL's 128 MB default
        assert "shared_buffers=" in " ".join(services[name]["command"]), name
        assert services[name]["shm_size"], name  # parallel index builds share memory via /dev/shm
    for name in ("worker", "gpu-worker"):
        assert "inspect ping" in " ".join(services[name]["healthcheck"]["test"])
    # Behind the TLS proxy: client addresses from its X-Forwarded-For entry, and gunicorn reachable
    # only through it (a direct client could write the entry the app trusts).
    assert services["web"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"
    assert services["web"]["ports"] == ["${WEB_BIND:-127.0.0.1}:8000:8000"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_docker_compose_validates_the_file_and_requires_a_secret_key():
    env = {**os.environ, "SECRET_KEY": "x" * 50}
    done = run(["docker-compose", "-f", "docker-compose.yml", "config", "--quiet"], env, timeout=60)
    assert done.returncode == 0, done.stderr
    without_key = {k: v for k, v in env.items() if k != "SECRET_KEY"}
    refused = run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "--quiet"], without_key, timeout=60
    )
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr


def test_the_image_and_the_compose_file_start_gunicorn_with_its_settings_file():
    """One place for gunicorn's settings (config/gunicorn.py), which bench.load starts it with
    too: threads beside the logins (whose hashes take turns, config/hashers.py), no keep-alive,
    the model loaded once before the workers fork. gunicorn itself reads the file."""
    from gunicorn.config import Config

    cmd = json.loads(re.search(r"^CMD (\[.+\])$", (REPO / "Dockerfile").read_text(), flags=re.M).group(1))
    web = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["web"]["command"]
    for command in (" ".join(cmd), web):
        assert "gunicorn --config config/gunicorn.py config.wsgi:application" in command
        assert "--workers" not in command and "--threads" not in command and "--preload" not in command
    config = Config()
    for name, value in runpy.run_path(str(REPO / "config" / "gunicorn.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.workers == 3 and config.threads == 16 and config.worker_class_str == "gthread"
    assert config.keepalive == 0 and config.preload_app and config.timeout == 60
