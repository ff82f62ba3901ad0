"""The layer contract in pyproject.toml holds, and it would catch a wrong import."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flows", "brewline", "workers")


def lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the tree at `root`, importing its packages (not the installed ones)."""
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                           "lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"],
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The project's packages and contract, copied, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.js", "*.html", "*.css"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_import_points_toward_the_pure_core():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(copy: Path):
    with open(copy / "brewline/delivery/backoff.py", "a") as module:
        module.write("\nfrom brewline.web import app  # noqa\n")
    result = lint(copy)
    assert result.returncode == 1
    assert "brewline.delivery.backoff -> brewline.web.app" in result.stdout


def test_a_cycle_inside_a_package_breaks_the_contract(copy: Path):
    with open(copy / "brewline/delivery/backoff.py", "a") as module:
        module.write("\nfrom brewline.delivery import sending  # noqa\n")
    result = lint(copy)
    assert result.returncode == 1
    assert "No cycles are allowed in brewline.delivery" in result.stdout
