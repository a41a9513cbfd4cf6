"""SARIF 2.1.0, the format GitHub code scanning (and VS Code's SARIF viewer) reads.

Every registered rule goes into `tool.driver.rules` with its documentation as help, so code
scanning can explain a finding without medlint installed, and closed alerts keep their text.
Fix edits are character offsets into the text medlint decoded; SARIF wants regions, so the file is
read again to turn offsets into lines and columns (falling back to `charOffset` when the file is
gone). Columns count code points, as medlint's do, which the run declares with `columnKind`.

`partialFingerprints` hash the rule, the path and the text of the finding's line (not its line
number), so an alert follows its line when lines are added above it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from medlint.findings import Edit, Finding, Severity
from medlint.reporters.base import Report
from medlint.reporters.stream import HOLE, spliced
from medlint.text import DecodeFailure, LineIndex, decode

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "medlintFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Rule groups by the code's hundreds digit (see the code ranges in the rule registry).
CATEGORIES = {"0": "frontmatter", "1": "text", "2": "links", "3": "review", "4": "structure"}
_SECTION = re.compile(r"^## What it does\s*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


@dataclass(slots=True)
class SourceTexts:
    """The text of the file the findings being written are in, read once per file, for line
    hashes and fix regions.

    Only the last file asked for is kept: a report's findings come grouped by file (sorted by
    path), and keeping every file's text held the text of every page with a finding until the
    report was written (tens of MB at 100,000 pages). Findings out of that order only make a
    file be read again. A file that is gone or unreadable by now gives None: the report is
    still written, with coarser fingerprints and offset-based fix regions.
    """

    _path: str | None = None
    _source: tuple[str, LineIndex] | None = None

    def get(self, path: str) -> tuple[str, LineIndex] | None:
        if path != self._path:
            self._path, self._source = path, None
            try:
                text = decode(Path(path).read_bytes()).text
            except (OSError, DecodeFailure):
                pass
            else:
                self._source = (text, LineIndex(text))
        return self._source

    def line_text(self, path: str, line: int) -> str | None:
        source = self.get(path)
        if source is None:
            return None
        text, index = source
        if not 1 <= line <= index.line_count:
            return None
        return text[index.line_start(line) : index.line_end(line)]


def relative_path(path: str) -> str:
    """The finding's path relative to the working directory, with forward slashes."""
    pure = path.replace(os.sep, "/")
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            return pure
        if not rel.startswith(".."):
            pure = rel.replace(os.sep, "/")
    while pure.startswith("./"):
        pure = pure[2:]
    return pure


def fingerprinted(
    findings: Iterable[Finding], sources: SourceTexts
) -> Iterator[tuple[Finding, str]]:
    """Each finding with a stable id: a hash of code, path and the trimmed text of its line.

    Two findings of one rule on identical lines of one file are told apart by occurrence order,
    so every finding of a run has its own fingerprint. The path is part of what is counted, and
    a report's findings come grouped by path, so the counts are kept for one path at a time.
    """
    seen: Counter[str] = Counter()
    counted = None  # the path `seen` counts for
    for f in findings:
        path = relative_path(f.path)
        if path != counted:
            seen.clear()
            counted = path
        line = sources.line_text(f.path, f.span.line)
        anchor = " ".join(line.split()) if line is not None else f.message
        key = "\0".join((f.code, path, anchor))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        yield f, digest[:32]


def _artifact(path: str) -> dict[str, object]:
    rel = relative_path(path)
    if os.path.isabs(rel):
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(str(PurePosixPath(rel)), safe="/"), "uriBaseId": SRCROOT}


def _what_it_does(doc: str, fallback: str) -> str:
    match = _SECTION.search(doc)
    text = " ".join(match.group(1).split()) if match else ""
    return text or fallback


def _rule_descriptors(report: Report) -> tuple[list[dict[str, object]], dict[str, int]]:
    from medlint.registry import all_rules

    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    for name, cls in all_rules().items():
        doc = cls.doc()
        index[cls.code] = len(rules)
        rules.append(
            {
                "id": cls.code,
                "name": name,
                "shortDescription": {"text": cls.summary},
                "fullDescription": {"text": _what_it_does(doc, cls.summary)},
                "help": {"text": doc or cls.summary, "markdown": doc or cls.summary},
                "defaultConfiguration": {"level": LEVELS[cls.severity]},
                "properties": {
                    "tags": ["medlint", CATEGORIES.get(cls.code[2:3], "other")],
                    "fix": cls.fix,
                },
            }
        )
    # Findings of rules the registry does not know (a plugin that is gone) still need an entry.
    for f in report.findings:
        if f.code not in index:
            meta = report.rule_meta.get(f.rule)
            summary = meta[1] if meta else f.rule
            index[f.code] = len(rules)
            rules.append({"id": f.code, "name": f.rule, "shortDescription": {"text": summary}})
    return rules, index


def _region(edit: Edit, source: tuple[str, LineIndex] | None) -> dict[str, int]:
    if source is not None and edit.end <= len(source[0]):
        index = source[1]
        line, column = index.position(edit.start)
        end_line, end_column = index.position(edit.end)
        return {
            "startLine": line,
            "startColumn": column,
            "endLine": end_line,
            "endColumn": end_column,
        }
    return {"charOffset": edit.start, "charLength": edit.end - edit.start}


def _result(
    f: Finding, rule_index: int, fingerprint: str, sources: SourceTexts
) -> dict[str, object]:
    text = f.message if not f.help else f"{f.message}\n{f.help}"
    artifact = _artifact(f.path)
    result: dict[str, object] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": f.span.line,
                        "startColumn": f.span.column,
                        "endLine": f.span.end_line,
                        "endColumn": f.span.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"rule": f.rule, **dict(f.data)},
    }
    if f.fix is not None:
        source = sources.get(f.path)
        result["fixes"] = [
            {
                "description": {"text": f"{f.fix.title} ({f.fix.applicability.value} fix)"},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact,
                        "replacements": [
                            {
                                "deletedRegion": _region(edit, source),
                                "insertedContent": {"text": edit.replacement},
                            }
                            for edit in f.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def _information_uri() -> str | None:
    """The project's home page from the installed package's metadata, when it declares one."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("medlint")
    except PackageNotFoundError:
        return None
    for home in meta.get_all("Home-page") or []:
        return str(home)
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = str(entry).partition(",")
        if url.strip().startswith(("https://", "http://")):
            return url.strip()
    return None


def build(report: Report) -> dict[str, object]:
    """The SARIF log as a JSON-ready mapping (tests validate it against the schema)."""
    log, run, results = _log(report)
    run["results"] = list(results)
    return log


def render(report: Report) -> str:
    return "".join(pieces(report))


def pieces(report: Report) -> Iterator[str]:
    """The log's text, `render`'s, written a result at a time (see stream.py)."""
    log, _, results = _log(report)
    return spliced(log, results)


def _log(
    report: Report,
) -> tuple[dict[str, object], dict[str, object], Iterator[dict[str, object]]]:
    """The log with `HOLE` where its results go, its one run, and the results, made as they
    are taken."""
    rules, index = _rule_descriptors(report)
    sources = SourceTexts()
    results = (
        _result(f, index[f.code], fp, sources) for f, fp in fingerprinted(report.findings, sources)
    )
    invocation: dict[str, object] = {"executionSuccessful": True}
    if report.unchecked_links:
        reason = f" ({report.unchecked_reason})" if report.unchecked_reason else ""
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {"text": f"{report.unchecked_links} links could not be checked{reason}"},
            }
        ]
    properties: dict[str, object] = {"filesChecked": report.files}
    if report.statistics:
        properties["statistics"] = {f"{code} {rule}": n for code, rule, n in report.by_rule()}
    driver: dict[str, object] = {
        "name": "medlint",
        "version": report.version,
        "semanticVersion": report.version,
    }
    home = _information_uri()
    if home:
        driver["informationUri"] = home
    driver["rules"] = rules
    root = Path.cwd().as_uri()
    run: dict[str, object] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root if root.endswith("/") else root + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": HOLE,
        "properties": properties,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, run, results
