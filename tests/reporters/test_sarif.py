"""SARIF: valid against the official 2.1.0 schema, with rule help, fixes and stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from medlint.registry import all_rules
from medlint.reporters import sarif
from tests.reporters.conftest import HERE, HOSTILE, Run, check, finding, report, safe_fix

SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: Any) -> None:
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def sarif_of(run: Run, name: str = "out.sarif") -> dict[str, Any]:
    log = run.json(name)
    assert isinstance(log, dict)
    return log


def test_the_validator_rejects_a_broken_log() -> None:
    """Negative control: the schema check below can fail."""
    with pytest.raises(AssertionError):
        validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]})


def test_seeds_log_is_valid_and_matches_the_json_report(seeds: Path) -> None:
    run = check(seeds, "seeds", "--format", "json", "--report", "sarif=out.sarif")
    log = sarif_of(run)
    validate(log)
    (run_,) = log["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    findings = json.loads(run.stdout)["findings"]
    assert len(run_["results"]) == len(findings) > 0
    rules = run_["tool"]["driver"]["rules"]
    for result, f in zip(run_["results"], findings, strict=True):
        assert result["ruleId"] == f["code"]
        assert rules[result["ruleIndex"]]["id"] == f["code"]
        assert (
            result["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[f["severity"]]
        )
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": f["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": f["line"],
            "startColumn": f["column"],
            "endLine": f["end_line"],
            "endColumn": f["end_column"],
        }
        assert result["message"]["text"].startswith(f["message"])


def test_every_rule_has_its_documentation_as_help(seeds: Path) -> None:
    log = sarif_of(check(seeds, "seeds", "--report", "sarif=out.sarif"))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for name, cls in all_rules().items():
        rule = rules[cls.code]
        assert rule["name"] == name
        assert rule["shortDescription"]["text"] == cls.summary
        assert rule["help"]["markdown"] == cls.doc()
        assert "## Why it matters" in rule["help"]["text"]
        assert rule["fullDescription"]["text"] and "##" not in rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_a_fix_becomes_a_replacement_of_the_right_region(seeds: Path) -> None:
    """The deleted regions are the text the fixes replace (the mojibake itself, say)."""
    log = sarif_of(check(seeds, "seeds", "--report", "sarif=out.sarif"))
    fixed = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert any(r["ruleId"] == "ML101" for r in fixed), "the seeds have a mojibake fix"
    for result in fixed:
        (change,) = result["fixes"][0]["artifactChanges"]
        text = (seeds / change["artifactLocation"]["uri"]).read_text(encoding="utf-8")
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        for replacement in change["replacements"]:
            region = replacement["deletedRegion"]
            start = starts[region["startLine"] - 1] + region["startColumn"] - 1
            end = starts[region["endLine"] - 1] + region["endColumn"] - 1
            assert 0 <= start <= end <= len(text)
            if result["ruleId"] == "ML101":
                assert text[start:end] == "â€“"
                assert replacement["insertedContent"]["text"] == "–"


def test_fingerprints_follow_the_line_not_its_number(seeds: Path) -> None:
    first = sarif_of(check(seeds, "seeds", "--report", "sarif=out.sarif"))
    page = seeds / "seeds" / "nci-ado-trastuzumab-emtansine.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n# ", "\nA new paragraph.\n\n# ", 1), encoding="utf-8")
    second = sarif_of(check(seeds, "seeds", "--report", "sarif=out.sarif"))

    def prints(log: dict[str, Any]) -> dict[str, int]:
        return {
            r["partialFingerprints"][sarif.FINGERPRINT_KEY]: r["locations"][0]["physicalLocation"][
                "region"
            ]["startLine"]
            for r in log["runs"][0]["results"]
        }

    before, after = prints(first), prints(second)
    assert set(before) == set(after)
    assert any(after[fp] == before[fp] + 2 for fp in before), "a finding moved down two lines"


def test_identical_findings_get_distinct_fingerprints(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("same\nsame\n", encoding="utf-8")
    rep = report(finding(str(page), line=1), finding(str(page), line=2))
    prints = [fp for _, fp in sarif.fingerprinted(rep.findings, sarif.SourceTexts())]
    assert len(set(prints)) == 2


def test_a_gone_file_still_gives_a_valid_log_with_offset_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rep = report(finding("gone dir/it's gone.md", fix=safe_fix(3, 7, "x")))
    log = sarif.build(rep)
    validate(log)
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "gone%20dir/it%27s%20gone.md"
    region = result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert region == {"charOffset": 3, "charLength": 4}


def test_absolute_paths_inside_the_working_directory_become_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inside = finding(str(tmp_path / "docs" / "a.md"))
    outside = finding("/elsewhere/b.md")
    log = sarif.build(report(inside, outside))
    validate(log)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    assert {"uri": "docs/a.md", "uriBaseId": "%SRCROOT%"} in uris
    assert {"uri": "file:///elsewhere/b.md"} in uris


def test_hostile_text_stays_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    log = json.loads(sarif.render(report(finding("p.md", HOSTILE, help=HOSTILE))))
    validate(log)
    assert log["runs"][0]["results"][0]["message"]["text"] == f"{HOSTILE}\n{HOSTILE}"


def test_statistics_go_into_the_run_properties(seeds: Path) -> None:
    log = sarif_of(check(seeds, "seeds", "--statistics", "--report", "sarif=out.sarif"))
    validate(log)
    stats = log["runs"][0]["properties"]["statistics"]
    assert stats["ML001 missing-frontmatter"] == 1
    plain = sarif_of(check(seeds, "seeds", "--report", "sarif=out.sarif"))
    assert "statistics" not in plain["runs"][0]["properties"]


def test_the_corpus_log_is_valid(corpus: Run) -> None:
    log = sarif_of(corpus, "out/report.sarif")
    validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(corpus.json("out/report.json")["findings"])
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == len(prints)
