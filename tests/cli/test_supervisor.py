"""The supervisor behind `brewline run`, with real child processes: one that keeps
crashing is started again after 1, 2, 4 ... seconds, never in a tight loop."""
from __future__ import annotations

import sys
import threading

from brewline.cli.supervisor import Child, Supervisor


def test_a_child_that_keeps_crashing_is_started_again_ever_more_slowly(tmp_path):
    starts = tmp_path / "starts"
    crasher = Child("crasher", [sys.executable, "-c",
                                f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"],
                    env={})
    said: list[str] = []
    supervisor = Supervisor([crasher], say=said.append)
    threading.Timer(8.0, supervisor.stop.set).start()
    supervisor.run()

    # Started at about 0, 1, 3 and 7 seconds: four times in eight, not sixteen.
    assert 3 <= len(starts.read_text()) <= 5
    assert said[:3] == [f"The crasher stopped (exit status 3); starting it again in {n} s."
                        for n in (1, 2, 4)]
