"""Hostile frontmatter: code execution, alias bombs, deep nesting, huge blocks and pages.

Each case runs through the real program in a subprocess, because the failure we guard against
is not an exception: PyYAML's C composer recurses once per nesting level and a deep enough
document kills the process with SIGSEGV. A sentinel file proves no YAML tag ever ran code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medlint.document import Document
from medlint.frontmatter import MAX_NESTING, MAX_NODES
from tests.conftest import invoke
from tests.robust.helpers import json_findings, run_medlint

DEEP = 100_000


def _fm(yaml_text: str) -> str:
    return f"---\n{yaml_text}\n---\n\n# Page\n"


def _python_tags(sentinel: Path) -> dict[str, str]:
    """Every spelling of "run this" we know; each would create `sentinel` if it ever ran."""
    touch = f"touch {sentinel}"
    py = f"open({str(sentinel)!r}, 'w').close()"
    return {
        "apply": f"x: !!python/object/apply:os.system [{touch!r}]",
        "apply-verbatim": f"x: !<tag:yaml.org,2002:python/object/apply:os.system> [{touch!r}]",
        "apply-kwargs": f"x: !!python/object/apply:os.system {{args: [{touch!r}]}}",
        "new": f"x: !!python/object/new:subprocess.Popen [[sh, -c, {touch!r}]]",
        "exec": f"x: !!python/object/apply:builtins.exec [{py!r}]",
        "name": "x: !!python/name:os.system",
        "module": "x: !!python/module:os",
        "in-key": f"? !!python/object/apply:os.system [{touch!r}]\n: v",
        "in-list": f"x:\n  - a\n  - [b, !!python/object/apply:os.system [{touch!r}]]",
        "in-flow-map": f"x: {{a: !!python/object/apply:os.system [{touch!r}]}}",
        "under-anchor": f"x: &a !!python/object/apply:os.system [{touch!r}]\ny: *a",
        "binary": "x: !!binary aGVsbG8=",
        "local-tag": "x: !custom value",
    }


def _alias_bombs() -> dict[str, str]:
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        name, prev = chr(97 + i), chr(96 + i)
        laughs.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return {
        "billion-laughs": "\n".join(laughs),
        "quadratic": "a: &a '" + "x" * 50_000 + "'\nb: [" + ", ".join(["*a"] * 4000) + "]",
        "recursive": "a: &a [*a]",
        "merge-bomb": "a: &a {x: 1}\nb:\n  <<: [*a, *a, *a]",
        "alias-as-key": "a: &k key\n*k : v",
    }


def _nesting() -> dict[str, str]:
    """100,000 levels in every shape, plus shapes that slipped past a character count."""
    return {
        "flow-seq": "x: " + "[" * DEEP + "]" * DEEP,
        "flow-map": "x: " + "{a: " * DEEP + "}" * DEEP,
        "flow-unclosed": "x: " + "[" * DEEP,
        "compact-seq": "x:\n" + "- " * DEEP + "a",
        "explicit-keys": "? " * DEEP + "a",
        "seq-of-keys": "- ? " * (DEEP // 2) + "a",
        # Within the size limit, brackets hidden from a naive counter by quotes and comments:
        "quoted-close": "x: " + "[']'," * 50_000,
        "double-quoted-close": "x: " + '["]",' * 50_000,
        "commented-close": "x: " + "[#]\n" * 50_000,
        "deep-indent": "x:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400)) + "v",
    }


def _huge() -> dict[str, str]:
    return {
        "200k-keys": "".join(f"k{i}: v\n" for i in range(200_000)),
        "200k-flow-keys": "{" + ",".join(f"{i:x}" for i in range(200_000)) + "}",
        "compact-many-keys": "{" + "a," * 120_000 + "}",
        "many-items": "x: [" + "1," * 100_000 + "]",
        "many-duplicates": "a: 1\n" * 50_000,
    }


_TAG = "is not allowed in frontmatter"
_ALIAS = "aliases (`*name`) are not allowed"
_REFUSED = "refused unparsed"
EXPECTED = {
    **dict.fromkeys(_python_tags(Path("/x")), _TAG),
    "in-key": "a frontmatter key must be plain text",
    **dict.fromkeys(_alias_bombs(), _ALIAS),
    "merge-bomb": "merge keys (`<<`) are not allowed",
    **dict.fromkeys((*_nesting(), *_huge()), _REFUSED),
}


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile-yaml")
    sentinel = root / "SENTINEL"
    cases = {**_python_tags(sentinel), **_alias_bombs(), **_nesting(), **_huge()}
    assert set(cases) == set(EXPECTED)
    pages = root / "pages"
    pages.mkdir()
    for name, body in cases.items():
        (pages / f"{name}.md").write_text(_fm(body), encoding="utf-8")
    # A 50 MB page: refused by size before it is even read.
    with (pages / "fifty-mb.md").open("wb") as handle:
        handle.write(b"---\ntitle: big\n---\n")
        handle.write((b"All work and no play. " * 47 + b"\n") * 50_000)
    return root, sentinel


def test_every_hostile_block_is_one_clear_finding(hostile_tree: tuple[Path, Path]) -> None:
    root, sentinel = hostile_tree
    proc = run_medlint(["check", "--offline", "--no-cache", "--format", "json", "pages"], root)
    findings = json_findings(proc)
    by_file: dict[str, list[dict[str, object]]] = {}
    for f in findings:
        by_file.setdefault(Path(str(f["path"])).stem, []).append(f)
    for name, fragment in EXPECTED.items():
        mine = [f for f in by_file.get(name, []) if f["rule"] == "invalid-frontmatter"]
        assert mine, (name, by_file.get(name))
        assert any(fragment in str(f["message"]) for f in mine), (name, mine)
        assert all(f["rule"] != "internal-error" for f in by_file.get(name, [])), name
    big = by_file["fifty-mb"]
    assert [f["rule"] for f in big] == ["unreadable-file"]
    assert "MB limit" in str(big[0]["message"])
    assert not sentinel.exists(), "a YAML tag executed code"


@pytest.mark.parametrize("name", sorted(_nesting()))
def test_nesting_is_refused_before_composing(name: str) -> None:
    """In-process too: if the guard let any of these through, this would crash the worker."""
    doc = Document("p.md", _fm(_nesting()[name]))
    assert doc.frontmatter is not None
    assert doc.frontmatter.data is None
    [problem] = doc.frontmatter.problems
    assert "refused unparsed" in problem.message
    assert 0 <= problem.start <= problem.end <= len(doc.text)


def test_limits_still_accept_honest_large_frontmatter() -> None:
    """The bounds refuse attacks, not pages: depth and value counts just under them pass."""
    nested = "x: " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    tags = "tags:\n" + "".join(f"- tag{i}\n" for i in range(MAX_NODES // 2))
    for body in (nested, tags):
        doc = Document("p.md", _fm(body))
        assert doc.frontmatter is not None
        assert doc.frontmatter.problems == [], doc.frontmatter.problems[:1]
        assert doc.frontmatter.data is not None


def test_hostile_rule_pack_and_config_are_config_errors(tmp_path: Path) -> None:
    """A pack or config from another team is input too: a clear error (exit 2), no traceback."""
    sentinel = tmp_path / "SENTINEL"
    (tmp_path / "a.md").write_text("# a\n", encoding="utf-8")
    packs = {
        "deep.yaml": "placeholders:\n  phrases: " + "[" * DEEP + "]" * DEEP + "\n",
        "tag.yaml": f"boilerplate: !!python/object/apply:os.system ['touch {sentinel}']\n",
        "bomb.yaml": _alias_bombs()["billion-laughs"] + "\n",
    }
    for name, text in packs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        (tmp_path / "medlint.toml").write_text(f'rule-packs = ["{name}"]\n', encoding="utf-8")
        result = invoke(["check", "--offline", "--no-cache", "a.md"], cwd=tmp_path)
        assert result.exit_code == 2, (name, result.output)
        assert not isinstance(result.exception, RecursionError)
        assert name in result.output, (name, result.output)
    deep_toml = "exclude = " + "[" * DEEP + "]" * DEEP + "\n"
    (tmp_path / "medlint.toml").write_text(deep_toml, encoding="utf-8")
    result = invoke(["check", "--offline", "--no-cache", "a.md"], cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "medlint.toml: not valid TOML" in result.output
    assert not sentinel.exists()
