"""The pre-commit path imports only what it needs.

`medlint check --offline one.md` runs on every commit. The modules below each cost tens of
milliseconds to import and are needed only elsewhere: the network link checker (httpx, asyncio,
ssl, its SQLite cache), mojibake repair (ftfy, only for a page with suspicious characters), the
worker pool (only for large runs), and test-only libraries. The test asserts the set of modules
imported, not a time: timings vary with the machine, imports do not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import TODAY, VALID_PAGE

NOT_ON_THE_OFFLINE_PATH = (
    "httpx",
    "httpcore",
    "asyncio",
    "ssl",
    "sqlite3",
    "ftfy",
    "multiprocessing",
    "concurrent",
    "jsonschema",
    "lxml",
    "markdown_it",
    "hypothesis",
)

PROBE = textwrap.dedent(
    """
    import json, sys
    from medlint.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
    print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
    """
)


def _imported(args: list[str], cwd: Path) -> set[str]:
    env = {**os.environ, "MEDLINT_TODAY": TODAY, "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    line = next(x for x in out.stderr.splitlines() if x.startswith("MODULES="))
    return {m.split(".")[0] for m in json.loads(line.removeprefix("MODULES="))}


def test_one_page_offline_check_imports_only_what_it_needs(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    for args in (
        ["check", "--offline", "page.md"],
        ["check", "--offline", "--no-cache", "page.md"],
    ):
        modules = _imported(args, tmp_path)
        assert "medlint" in modules and "pyromark" in modules  # it did check the page
        assert not modules & set(NOT_ON_THE_OFFLINE_PATH), sorted(
            modules & set(NOT_ON_THE_OFFLINE_PATH)
        )


def test_a_page_with_suspicious_characters_does_bring_in_ftfy(tmp_path: Path) -> None:
    # The counterpart: the screening really gates ftfy, it is not simply never used.
    damaged = VALID_PAGE.replace("targeted therapy", "targetedâ€“therapy")
    (tmp_path / "page.md").write_text(damaged, encoding="utf-8")
    modules = _imported(["check", "--offline", "--no-cache", "page.md"], tmp_path)
    assert "ftfy" in modules
    assert "multiprocessing" not in modules and "httpx" not in modules
