"""Coverage-guided fuzzing of medlint with atheris (libFuzzer for Python).

Each input is the bytes of one page. It goes through what `check` and `fix` do with a file
(decode, every rule, suppressions, the fix loop and its safety proofs) and through the text and
GitHub reporters, and must keep the same promises the property tests state:

- no exception escapes (a rule's crash shows up as an `internal-error` finding: also a failure);
- every finding's span and fix lie inside the text;
- a fix, when accepted, is a fixpoint: fixing its output again changes nothing;
- reports stay one line per finding, with no control character from the page.

libFuzzer's `-timeout` turns a slow input (a quadratic scan) into a reported crash too.

    python fuzz/fuzz_medlint.py -dict=fuzz/medlint.dict fuzz/corpus   # runs until stopped
    python fuzz/fuzz_medlint.py -runs=20000 -seed=1 -timeout=10 ...   # what CI runs
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["medlint"]):
    from medlint.config import Config
    from medlint.engine import build_settings, document_from_bytes, finalize, lint_document
    from medlint.findings import Finding
    from medlint.fixer import fix_text
    from medlint.reporters import github, text
    from medlint.reporters.base import Report

SETTINGS = build_settings(Config(), config_root=Path("."), today=dt.date(2026, 11, 22))
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")


def check_findings(findings: list[Finding], size: int) -> None:
    for f in findings:
        if f.rule == "internal-error":
            raise AssertionError(f"a rule crashed: {f.message}")
        if not 0 <= f.span.start <= f.span.end <= size or f.span.line < 1 or f.span.column < 1:
            raise AssertionError(f"span out of the text: {f}")
        for edit in f.fix.edits if f.fix else ():
            if not 0 <= edit.start <= edit.end <= size:
                raise AssertionError(f"fix edit out of the text: {f.rule} {edit}")


def check_reports(findings: list[Finding]) -> None:
    report = Report(findings=tuple(findings), files=1, version="fuzz", today=SETTINGS.ctx.today)
    out = text.render(report)
    if CONTROL.search(out):
        raise AssertionError("control character from the page in the text report")
    commands = [line for line in github.render(report).splitlines() if line.startswith("::")]
    if len(commands) != len(findings):
        raise AssertionError("GitHub annotations are not one line per finding")


def TestOneInput(data: bytes) -> None:  # the name atheris calls
    doc = document_from_bytes("fuzz.md", data)
    if isinstance(doc, Finding):
        if doc.rule != "unreadable-file":
            raise AssertionError(f"undecodable input gave {doc.rule}")
        return
    findings = finalize(lint_document(doc, SETTINGS), SETTINGS)
    check_findings(findings, len(doc.text))
    check_reports(findings)
    for unsafe in (False, True):
        out = fix_text(doc.text, "fuzz.md", SETTINGS, unsafe=unsafe, bom=doc.bom)
        if out.refused is None and out.changes:
            again = fix_text(out.text, "fuzz.md", SETTINGS, unsafe=unsafe, bom=doc.bom)
            if again.applied or again.text != out.text:
                rules = sorted({f.rule for f in again.applied})
                raise AssertionError(f"fix is not a fixpoint: {rules} fixed again")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
