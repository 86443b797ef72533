"""engine/__init__: names imported on first use; importing the module that defines one (the CLI imports
engine.trace.replay) leaves `engine.replay` the function; the wheel carries the grammar."""
from __future__ import annotations

import subprocess
import sys


def test_engine_replay_stays_the_function_after_the_module_is_imported():
    code = ("import engine.trace.replay, engine, types\n"
            "from engine.trace.replay import replay\n"
            "assert engine.replay is replay and isinstance(replay, types.FunctionType), engine.replay\n"
            "import engine.ruleset\n"
            "assert isinstance(engine.ruleset, types.ModuleType)\n"
            "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "ok\n", done.stderr


def test_an_engine_installed_from_its_wheel_has_its_grammar(tmp_path):
    """A regular install (not the editable one of `make`) carries grammar/verdict.lark, through the
    link engine/verdict.lark, and parses and evaluates rules from outside the clone."""
    import sysconfig
    import zipfile
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path / "wheel")], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel, = (tmp_path / "wheel").glob("verdict-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("engine/verdict.lark") == (root / "grammar" / "verdict.lark").read_bytes()
        archive.extractall(tmp_path / "site")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "tiny.rules").write_text("input n : integer\ndecision d : integer = n + 1\n",
                                                   encoding="utf-8")
    # -S: no site-packages processed, so the editable install of the clone is not found; the wheel's
    # engine and the environment's libraries (lark, attrs, …) are put on the path by hand
    code = (f"import sys; sys.path[:0] = [{str(tmp_path / 'site')!r}, {sysconfig.get_paths()['purelib']!r}]\n"
            "import engine, datetime\n"
            "assert engine.__file__.startswith(sys.path[0]), engine.__file__\n"
            "rs = engine.load_ruleset('rules/tiny.rules')\n"
            "print(rs.evaluate({'n': 41}, as_of=datetime.date(2025, 1, 1)).outputs)\n")
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"VERDICT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stdout) == (0, "{'d': 42}\n"), done.stderr


def test_every_name_of_the_facade_resolves_to_where_the_stage_packages_define_it():
    import engine
    from engine.trace import signing
    from engine.trace.verdict import Verdict
    assert engine.sign_trace is signing.sign_trace and engine.check_signature is signing.check_signature
    assert engine.Verdict is Verdict
    missing = [name for name in engine.__all__ if getattr(engine, name, None) is None]
    assert missing == []
    assert sorted(engine.__all__) == sorted(set(engine.__all__)) and "sign_trace" in dir(engine)
