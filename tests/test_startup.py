"""The pre-commit path imports only what it needs.

`medlint check --offline one.md` runs on every commit. The modules below each cost tens of
milliseconds to import and are needed only elsewhere: the network link checker (httpx, asyncio,
ssl, its SQLite cache), mojibake repair (ftfy, only for a page with suspicious characters), the
worker pool (only for large runs), and test-only libraries. pydantic (over 100 ms with the
frontmatter model) only words the problems of a frontmatter the plain checks cannot vouch for:
config, rule options, rule packs, `--help`, `medlint rules`, a valid page and a run answered
from the cache never import it. The tests assert the set of modules imported, not a time:
timings vary with the machine, imports do not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import TODAY, VALID_PAGE, imported, probe_run

NOT_ON_THE_OFFLINE_PATH = (
    "httpx",
    "httpcore",
    "asyncio",
    "ssl",
    "sqlite3",
    "ftfy",
    "wcwidth",
    "multiprocessing",
    "concurrent",
    "jsonschema",
    "lxml",
    "markdown_it",
    "hypothesis",
    "difflib",  # "did you mean" suggestions: only for a finding that has one
    "click",  # a plain `check` of some paths is parsed by medlint.cli itself
    "_hashlib",  # OpenSSL, 5 ms: blake2b comes from _blake2 (cache.hasher, RunItems.signature)
)


def test_one_page_offline_check_imports_only_what_it_needs(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    for args in (
        ["check", "--offline", "page.md"],
        ["check", "--offline", "--no-cache", "page.md"],
    ):
        modules = imported(args, tmp_path)
        assert "medlint" in modules and "pyromark" in modules  # it did check the page
        assert not modules & set(NOT_ON_THE_OFFLINE_PATH), sorted(
            modules & set(NOT_ON_THE_OFFLINE_PATH)
        )


def test_a_page_with_suspicious_characters_does_bring_in_ftfy(tmp_path: Path) -> None:
    # The counterpart: the screening really gates ftfy, it is not simply never used.
    damaged = VALID_PAGE.replace("targeted therapy", "targetedâ€“therapy")
    (tmp_path / "page.md").write_text(damaged, encoding="utf-8")
    modules = imported(["check", "--offline", "--no-cache", "page.md"], tmp_path)
    assert "ftfy" in modules
    assert "multiprocessing" not in modules and "httpx" not in modules


def test_help_and_rule_listing_do_not_import_pydantic(tmp_path: Path) -> None:
    for args in (["--help"], ["rules"], ["rule", "frontmatter-schema"], ["check", "--help"]):
        modules = imported(args, tmp_path)
        assert "pydantic" not in modules and "pydantic_core" not in modules, args


def test_config_and_settings_do_not_import_pydantic(tmp_path: Path) -> None:
    # Every kind of table: rule options, the schema's extra fields, per-file ignores, links.
    (tmp_path / "medlint.toml").write_text(
        'rule-packs = ["team.yaml"]\n'
        "[rules.placeholder]\nseverity = 'warning'\n"
        "[schema.extra-fields]\nplainLanguageScore = 'integer'\n"
        "[per-file-ignores]\n'drafts/**' = ['placeholder']\n"
        "[links]\ntimeout = 5\n",
        encoding="utf-8",
    )
    (tmp_path / "team.yaml").write_text("placeholders:\n  phrases: [lorem]\n", encoding="utf-8")
    probe = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        from medlint.config import load_config
        from medlint.engine import build_settings
        loaded = load_config(None, Path.cwd())
        settings = build_settings(loaded.config, config_root=loaded.root)
        assert settings.ctx.schema_extra == (("plainLanguageScore", "integer"),)
        print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
        """
    )
    modules = imported([], tmp_path, probe)
    assert "medlint" in modules and "pydantic" not in modules


def test_valid_and_frontmatter_free_pages_do_not_import_pydantic(tmp_path: Path) -> None:
    (tmp_path / "valid.md").write_text(VALID_PAGE, encoding="utf-8")
    (tmp_path / "plain.md").write_text("# Notes\n\nNo frontmatter here.\n", encoding="utf-8")
    # Missing keys are worded without the model too.
    lacking = VALID_PAGE.replace("tags:\n- treatment\n", "")
    (tmp_path / "lacking.md").write_text(lacking, encoding="utf-8")
    for page in ("valid.md", "plain.md", "lacking.md"):
        modules = imported(["check", "--offline", "--no-cache", page], tmp_path)
        assert "pyromark" in modules  # it did check the page
        assert "pydantic" not in modules, page


def test_a_run_answered_from_the_cache_does_not_import_pydantic(tmp_path: Path) -> None:
    # A malformed value is worded by the pydantic model: the first run imports it (the
    # counterpart, so the test shows the import is really gated), the second is answered from
    # the cache.
    wrong = VALID_PAGE.replace("version: v1", "version: one")
    (tmp_path / "page.md").write_text(wrong, encoding="utf-8")
    os.utime(tmp_path / "page.md", (1_700_000_000, 1_700_000_000))  # old enough to trust stat
    cold = imported(["check", "--offline", "page.md"], tmp_path)
    assert "pydantic" in cold
    warm = imported(["check", "--offline", "page.md"], tmp_path)
    assert "pydantic" not in warm


def _compiled(folder: Path, inspect: str) -> object:
    """Check `page.md` in a fresh interpreter, then run `inspect` (which sets `compiled`) in it:
    what the run left compiled, as JSON."""
    probe = (
        textwrap.dedent(
            """
        import json, sys
        from medlint.cli import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        """
        )
        + textwrap.dedent(inspect)
        + 'print("COMPILED=" + json.dumps(compiled), file=sys.stderr)\n'
    )
    return probe_run(["check", "--offline", "--no-cache", "page.md"], folder, probe, "COMPILED")[1]


def test_a_clean_page_compiles_none_of_the_patterns_only_suspect_pages_need(
    tmp_path: Path,
) -> None:
    """The large character classes (mojibake's, invalid-characters', the frontmatter reader's
    for non-ASCII blocks) and the patterns of rare paths are compiled on first use: a clean
    page with ASCII frontmatter, no HTML and a reviewer compiles none of them at start."""
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    compiled = _compiled(
        tmp_path,
        """
        from medlint import frontmatter, markdown
        from medlint.checks import _review_line, invalid_characters, mojibake, placeholder
        lazy = [frontmatter._not_simple, markdown._html_patterns, _review_line._review_line,
                invalid_characters._patterns, mojibake._patterns, placeholder._line_markup]
        compiled = [f.__module__ + "." + f.__name__ for f in lazy if f.cache_info().currsize]
        """,
    )
    assert compiled == []
    modules = imported(["check", "--offline", "--no-cache", "page.md"], tmp_path)
    assert "pyromark" in modules and "ftfy" not in modules and "wcwidth" not in modules


def test_a_suspect_page_does_compile_them(tmp_path: Path) -> None:
    # The counterpart: the same probe sees the patterns compiled when a page needs them.
    damaged = VALID_PAGE.replace("targeted therapy", "targeted\u00e2\u20ac\u201ctherapy")
    damaged = damaged.replace("title: Trastuzumab", "title: Trastuzumab \u00e9")
    damaged = damaged.replace("reviewedBy:\n- Ilana Schlam, MD, MPH\n", "")
    (tmp_path / "page.md").write_text(damaged + "\n<p>x</p>\n", encoding="utf-8")
    compiled = _compiled(
        tmp_path,
        """
        from medlint import frontmatter, markdown
        from medlint.checks import _review_line, mojibake
        lazy = [frontmatter._not_simple, markdown._html_patterns, _review_line._review_line,
                mojibake._patterns]
        compiled = [f.cache_info().currsize for f in lazy]
        """,
    )
    assert compiled == [1, 1, 1, 1]


def test_a_page_named_on_the_command_line_does_not_import_pathspec(tmp_path: Path) -> None:
    """The pre-commit hook names files, which are taken whatever the excludes say: the exclude
    patterns are compiled (pathspec imported) only when a folder is walked."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.medlint]\nexclude = ["drafts/"]\n', encoding="utf-8"
    )
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "x.md").write_text("TODO: write this\n", encoding="utf-8")
    named = imported(["check", "--offline", "--no-cache", "page.md"], tmp_path)
    assert "medlint" in named and "pathspec" not in named
    walked = imported(["check", "--offline", "--no-cache", "."], tmp_path)
    assert "pathspec" in walked


CLICK_PROBE = textwrap.dedent(
    """
    import sys
    from medlint.commands import main
    main(sys.argv[1:])
    """
)
PLAIN_PROBE = textwrap.dedent(
    """
    import sys
    from medlint.cli import main
    try:
        main(sys.argv[1:])
    finally:
        print("CLICK=" + str("click" in sys.modules), file=sys.stderr)
    """
)


def _run(probe: str, args: list[str], cwd: Path, today: str) -> tuple[int, str, str, bool]:
    env = {**os.environ, "MEDLINT_TODAY": today, "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    lines = out.stderr.splitlines(keepends=True)
    used_click = "CLICK=True\n" in lines
    stderr = "".join(x for x in lines if not x.startswith("CLICK="))
    return out.returncode, out.stdout, stderr, used_click


def test_a_plain_check_without_click_answers_as_click_does(tmp_path: Path) -> None:
    """`medlint check [FLAGS] PATHS` with only value-less flags is parsed without click (the
    pre-commit hook's form). Its output, messages and exit status are click's, and any other
    command line (or one click would refuse) still goes through click."""
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    (tmp_path / "bad.md").write_text("# Notes\n\nTODO: write this\n", encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "medlint.toml").write_text("nonsense = 1\n", encoding="utf-8")
    (tmp_path / "broken" / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    plain = [
        ["check", "--offline", "page.md"],
        ["check", "--offline", "page.md"],  # answered from the run memo
        ["check", "--offline", "--no-cache", "bad.md", "-q", "page.md"],
        ["check", "--no-cache", "--statistics", "--offline"],
        ["check", "--offline", "--no-cache", "missing.md"],
    ]
    for args in plain:
        fast = _run(PLAIN_PROBE, args, tmp_path, TODAY)
        assert fast[3] is False, args  # it did run without click
        assert fast[:3] == _run(CLICK_PROBE, args, tmp_path, TODAY)[:3], args
    config_error = _run(PLAIN_PROBE, ["check", "--offline", "page.md"], tmp_path / "broken", TODAY)
    assert config_error[0] == 2 and config_error[2].startswith("medlint: error: ")
    assert (
        config_error[:3]
        == _run(CLICK_PROBE, ["check", "--offline", "page.md"], tmp_path / "broken", TODAY)[:3]
    )
    for args, today in (
        (["check", "--offline", "--format", "json", "page.md"], TODAY),
        (["check", "--offline", "--", "page.md"], TODAY),
        (["check", "--offline", "page.md"], "not-a-date"),
        (["rules"], TODAY),
    ):
        routed = _run(PLAIN_PROBE, args, tmp_path, today)
        assert routed[3] is True, args  # handed to click
        assert routed[:3] == _run(CLICK_PROBE, args, tmp_path, today)[:3], args


def test_shipped_phrase_sets_are_compiled_on_first_use_and_match_as_before() -> None:
    """The shipped packs' matchers are built when a set is first searched (a clean page never
    searches one: the checks screen first); they compile, and match what eager ones match."""
    from medlint.packs import PhraseSet, _matchers, load_packs

    packs = load_packs()
    texts = [
        "Lorem ipsum [insert date here] and <placeholder name>.",
        "Copyright 2024 Example Hospital. Learn more about our programs and services.",
        "Nothing to see: plain words about treatment.",
    ]
    for phrase_set in (packs.placeholders, packs.boilerplate):
        assert phrase_set.compiled == ()
        parts = (phrase_set.phrases, phrase_set.case_sensitive, phrase_set.patterns)
        eager = PhraseSet(*parts, _matchers(*parts))
        for text in texts:
            assert phrase_set.finditer(text) == eager.finditer(text), text
        assert len(phrase_set.compiled) == len(eager.compiled) > 0
        assert phrase_set == eager and hash(phrase_set) == hash(eager)


def test_a_plain_check_leaves_pyyamls_pure_reader_pattern_uncompiled(tmp_path: Path) -> None:
    """yaml's pure-Python reader's printable-character pattern (a class over all of Unicode,
    slow to build) is compiled only when that reader first checks text, and still refuses what
    it refused."""
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    compiled = _compiled(
        tmp_path,
        """
        import yaml, yaml.reader
        before = type(yaml.reader.Reader.NON_PRINTABLE).__name__
        try:
            yaml.safe_load("key: bell\\x07")
            refused = False
        except yaml.YAMLError as exc:
            refused = "special characters are not allowed" in str(exc)
        compiled = [before, refused, yaml.safe_load("key: value")]
        """,
    )
    assert compiled == ["_CompiledOnFirstUse", True, {"key": "value"}]


def test_a_run_answered_from_the_memo_imports_neither_yaml_nor_click(tmp_path: Path) -> None:
    # Nothing changed since the last run: its output is printed again, with no page read.
    (tmp_path / "page.md").write_text(VALID_PAGE, encoding="utf-8")
    os.utime(tmp_path / "page.md", (1_700_000_000, 1_700_000_000))  # old enough to trust stat
    cold = imported(["check", "--offline", "page.md"], tmp_path)
    assert "yaml" in cold
    warm = imported(["check", "--offline", "page.md"], tmp_path)
    assert "yaml" not in warm and "click" not in warm and "medlint" in warm
