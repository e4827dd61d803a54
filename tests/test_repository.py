"""The repository stands on its own: its documents link only to files it holds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The folder beside the repository that an earlier layout pointed to, and the absolute
#: folder of the machine it is developed on (spelled in two parts, so that this file does
#: not point there itself).
OUTSIDE = ("../" + "shared", "/" + "work/")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked(suffix: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", f"*{suffix}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed]


def test_every_relative_link_in_the_documents_resolves_inside_the_repository() -> None:
    broken = []
    for page in _tracked(".md"):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (page.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_no_file_points_outside_the_repository() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for suffix in (".md", ".py", ".toml", ".cfg", ".txt")
        for path in _tracked(suffix)
        if any(place in path.read_text(encoding="utf-8") for place in OUTSIDE)
    ]
    assert outside == []
