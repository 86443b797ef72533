"""engine/__init__: names imported on first use; a submodule imported by someone else (the CLI imports
engine.replay) does not take the place of the function of the same name."""
from __future__ import annotations

import subprocess
import sys


def test_engine_replay_stays_the_function_after_the_module_is_imported():
    code = ("import engine.replay, engine, types\n"
            "from engine.replay import replay\n"
            "assert engine.replay is replay and isinstance(replay, types.FunctionType), engine.replay\n"
            "import engine.ruleset\n"
            "assert isinstance(engine.ruleset, types.ModuleType)\n"
            "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "ok\n", done.stderr
