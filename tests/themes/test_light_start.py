"""The web app and the worker start without the heavy parts of the report and the themes:
fpdf2 (with Pillow, fontTools and numpy) loads when a PDF is made, numpy and scikit-learn
when suggestions are asked for. Each is about 35 MB in every process otherwise."""
from __future__ import annotations

import subprocess
import sys

from tests.fault.conftest import ROOT

HEAVY = ("fpdf", "PIL", "numpy", "sklearn", "scipy", "wordllama")
CHECK = """
import sys
from brewline.web.app import create_app
from workers import loop  # the worker's runtime
create_app()
print(",".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def test_starting_the_web_app_and_worker_loads_no_pdf_or_model_libraries(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHECK.format(heavy=HEAVY)], cwd=ROOT,
                          env={"BREWLINE_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
