"""The repository holds no secrets: the only hard-coded key is the documented development key,
and .env (real values) is ignored by git."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV_KEY = "insecure-local-development-key-not-for-production"
SECRET_LOOKING = [
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("AWS access key", re.compile(r"AKIA[0-9A-Z]{16}")),
    ("password in a URL", re.compile(r"://[^:/@\s'\"${}]*:(?!\$\{)[^@/\s'\"]+@")),
    ("hard-coded SECRET_KEY", re.compile(r"SECRET_KEY\s*=\s*['\"](?!" + re.escape(DEV_KEY) + r"['\"])")),
    (
        "token-like assignment",
        re.compile(r"(?i)(api_key|auth_token|password)\s*=\s*['\"][A-Za-z0-9+/_\-]{16,}['\"]"),
    ),
]


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / name for name in listing.stdout.decode().split("\0") if name]


def documented_demo_values() -> set[str]:
    """Demo account passwords are published in the README and the usage guide on purpose
    (local use only)."""
    docs = (ROOT / "README.md").read_text() + (ROOT / "docs" / "usage.md").read_text()
    return set(re.findall(r"`([^`\s]{8,})`", docs))


def test_no_tracked_file_contains_a_secret():
    allowed = documented_demo_values() | {"x-password-for-tests"}
    found = []
    for path in tracked_files():
        if path.name == Path(__file__).name or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        for line in text.splitlines():
            if any(value in line for value in allowed):
                continue
            found += [
                f"{path.relative_to(ROOT)}: {what}"
                for what, pattern in SECRET_LOOKING
                if pattern.search(line)
            ]
    assert found == []


def test_the_env_file_with_real_values_is_never_committed():
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert not any(path.name == ".env" for path in tracked_files())
