"""GitLab Code Quality: the fields GitLab reads, relative paths, unique stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from medlint.reporters import gitlab
from tests.reporters.conftest import HOSTILE, Run, check, finding, report

# The issue fields GitLab documents as required for Code Quality reports.
ISSUE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "not": {"pattern": "^(/|\\./)"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


def validate(issues: object) -> None:
    errors = list(Draft202012Validator(ISSUE).iter_errors(issues))
    assert not errors, errors[0].message


def test_seeds_issues(seeds: Path) -> None:
    findings = json.loads(check(seeds, "seeds", "--format", "json").stdout)["findings"]
    issues = json.loads(check(seeds, "./seeds", "--format", "gitlab").stdout)
    validate(issues)
    assert len(issues) == len(findings)
    for issue, f in zip(issues, findings, strict=True):
        assert issue["check_name"] == f["rule"]
        assert f["message"] in issue["description"]
        assert issue["location"]["path"] == f["path"].removeprefix("./")
        assert issue["location"]["lines"] == {"begin": f["line"], "end": f["end_line"]}
        expected = {"error": "major", "warning": "minor", "info": "info"}[f["severity"]]
        assert issue["severity"] == expected
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_fingerprints_are_the_same_from_run_to_run(seeds: Path) -> None:
    first = check(seeds, "seeds", "--format", "gitlab").stdout
    assert check(seeds, "seeds", "--format", "gitlab").stdout == first


def test_hostile_text_is_plain_json() -> None:
    issues = json.loads(gitlab.render(report(finding("p.md", HOSTILE))))
    validate(issues)
    assert HOSTILE in issues[0]["description"]


def test_corpus_issues(corpus: Run) -> None:
    issues = corpus.json("out/report.gitlab")
    validate(issues)
    assert isinstance(issues, list)
    assert len({i["fingerprint"] for i in issues}) == len(issues) > 100
