"""JSON reports written in pieces: the run's findings are never all in memory at once.

The JSON, SARIF and GitLab reports are one JSON document each, `json.dumps(..., indent=2)` of a
value that holds one list with an entry per finding. Built whole, a 100,000-page run's JSON
report took its main process to 255 MB (the text report's run peaks at 77 MB): every finding as
a dict, then the whole string. Here the document is dumped with a placeholder where that list
goes, cut in two there, and the entries are dumped one by one in between, indented for the
depth the list stands at. The pieces joined are exactly the text `json.dumps` gives for the
whole document (tests compare the two on every report shape).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

# Stands in for the list in the document dumped without it. json.dumps writes the NULs as
# `\u0000`, so no other value dumps to the same text unless it holds this very string.
HOLE = "\x00medlint entries\x00"
_PER_PIECE = 512  # entries to a piece: a few hundred KB at most


def dumps(value: object) -> str:
    """The reports' one JSON spelling of a value (UTF-8 text as it is, two-space indents)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def spliced(document: object, entries: Iterable[object]) -> Iterator[str]:
    """`dumps(document) + "\\n"` with the one `HOLE` in `document` replaced by the list of
    `entries`, in pieces, each entry dumped as it is taken."""
    head, tail = (dumps(document) + "\n").split(dumps(HOLE))
    # json.dumps puts a list's items one level (two spaces) deeper than the line the list
    # opens on, and its closing bracket on a line of the opening line's depth.
    line = head[head.rfind("\n") + 1 :]
    outer = "\n" + " " * (len(line) - len(line.lstrip(" ")))
    inner = outer + "  "
    batch: list[str] = [head, "["]
    first = True
    for entry in entries:
        batch.append(inner if first else "," + inner)
        batch.append(dumps(entry).replace("\n", inner))
        first = False
        if len(batch) >= 2 * _PER_PIECE:
            yield "".join(batch)
            batch = []
    batch.append("]" + tail if first else outer + "]" + tail)
    yield "".join(batch)
