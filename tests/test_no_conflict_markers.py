"""No file the repository tracks keeps a merge's conflict markers (one was once committed in a doc)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_tracked_file_has_merge_conflict_markers():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    found = []
    for name in tracked:
        path = ROOT / name
        if path.is_file() and not path.is_symlink() and path.suffix in (".py", ".md", ".rules", ".yaml", ".lark", ".toml"):
            if marker.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(name)
    assert found == []
