"""docker-compose.yml is valid against the compose specification (no Docker engine runs here),
and every variable it reads is documented in .env.example."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK_JSONSCHEMA = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
    "check-jsonschema"
)
needs_checker = pytest.mark.skipif(CHECK_JSONSCHEMA is None, reason="check-jsonschema is not installed")


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_checker
def test_the_compose_file_follows_the_compose_specification():
    result = validate(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_checker
def test_the_validation_rejects_a_malformed_service(tmp_path):
    broken = (
        (ROOT / "docker-compose.yml").read_text().replace("    image: redis:7\n", "    image: [redis, 7]\n")
    )
    (tmp_path / "docker-compose.yml").write_text(broken)
    result = validate(tmp_path / "docker-compose.yml")
    assert result.returncode != 0
    assert "image" in result.stdout + result.stderr


def test_every_variable_the_stack_reads_is_documented_in_the_env_example():
    used = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    used |= set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker" / "entrypoint.sh").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert used - documented == set()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "DEBUG"} <= documented


def test_the_env_example_holds_placeholders_not_secrets():
    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert values["SECRET_KEY"] == "CHANGE-ME"
    assert values["POSTGRES_PASSWORD"] == "CHANGE-ME"


def test_the_image_runs_as_a_non_root_user_and_collects_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "collectstatic" in dockerfile


def test_the_image_build_can_collect_static_files_with_the_production_storage(tmp_path):
    """The Dockerfile runs collectstatic with STATIC_MANIFEST=true; a stylesheet pointing at a
    missing file (a source map, a font) would break the image build, so it is caught here."""
    code = (
        "import django, sys; django.setup(); from django.conf import settings; "
        "settings.STATIC_ROOT = sys.argv[1]; from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    env = {**os.environ, "STATIC_MANIFEST": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("admin/css/base.*.css.gz"))
