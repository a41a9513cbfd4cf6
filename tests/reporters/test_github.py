"""GitHub workflow commands: one command per finding, escaped as the runner requires."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medlint.findings import Severity
from medlint.reporters import github
from medlint.reporters.text import clean
from tests.reporters.conftest import HOSTILE, check, finding, report

COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def unescape(value: str) -> str:
    """What the Actions runner does to a command's values (the inverse of the escaping)."""
    for esc, char in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        value = value.replace(esc, char)
    return value


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(pair.split("=", 1) for pair in match.group(2).split(","))
    return match.group(1), {k: unescape(v) for k, v in props.items()}, unescape(match.group(3))


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A", "%250A", "%250A"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping_table(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop
    assert unescape(data) == raw and unescape(prop) == raw


def test_seeds_annotations_match_the_json_report(seeds: Path) -> None:
    findings = json.loads(check(seeds, "seeds", "--format", "json").stdout)["findings"]
    run = check(seeds, "seeds", "--format", "github")
    commands = [line for line in run.stdout.split("\n") if line.startswith("::")]
    assert len(commands) == len(findings)
    for line, f in zip(commands, findings, strict=True):
        kind, props, message = parse(line)
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[f["severity"]]
        assert props == {
            "file": f["path"],
            "line": str(f["line"]),
            "endLine": str(f["end_line"]),
            "col": str(f["column"]),
            "endColumn": str(f["end_column"]),
            "title": f"{f['code']} {f['rule']}",
        }
        assert message.startswith(f["message"])
    assert run.stdout.splitlines()[-1].startswith("medlint: Found ")


def test_hostile_text_cannot_start_or_end_a_command() -> None:
    rep = report(finding(f"dir,x:y/{HOSTILE}.md", HOSTILE, help="line one\nline two"))
    # The runner splits its input on LF (and CR) only.
    lines = github.render(rep).rstrip("\n").split("\n")
    assert not any("\r" in line for line in lines)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 1, "one finding, one command; the page's ::error:: started none"
    kind, props, message = parse(commands[0])
    assert kind == "error"
    assert props["file"] == clean(f"dir,x:y/{HOSTILE}.md")
    assert message == clean(f"{HOSTILE}\nline one\nline two")
    assert "\x1b" not in message and "\\x1b" in message  # no terminal colour codes in the log
    assert len(lines) == 2, "the command and the summary; no stray line a runner could read"


def test_severities_map_to_commands() -> None:
    rep = report(
        finding("a.md", "e", severity=Severity.ERROR, line=1),
        finding("a.md", "w", severity=Severity.WARNING, line=2),
        finding("a.md", "i", severity=Severity.INFO, line=3),
    )
    lines = github.render(rep).split("\n")
    kinds = [parse(line)[0] for line in lines if line.startswith("::")]
    assert kinds == ["error", "warning", "notice"]


def test_statistics_are_plain_log_lines(seeds: Path) -> None:
    out = check(seeds, "seeds", "--format", "github", "--statistics").stdout
    assert re.search(r"^\s+1\s+ML001\s+missing-frontmatter$", out, re.MULTILINE)
