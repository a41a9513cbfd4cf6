"""A checked page's payload, decoded in the main process for the link phase and the report.

Kept apart from the runner so that a run answered whole from the run memo (see `runmemo`)
imports neither the document model nor the Markdown parser.
"""

from __future__ import annotations

import bisect
import marshal
from array import array
from typing import cast

from medlint.document import Document
from medlint.engine import FileResult
from medlint.findings import Span
from medlint.markdown import Link, ParsedBody, build_link
from medlint.runmemo import PageRow
from medlint.suppressions import Suppression


class LinkView(Document):
    """A page once its text is gone: what the run-wide link phase reads of it.

    The link phase judges links against the disk and the network after every page was checked;
    it needs each page's path, the links it can judge, the page's `url` and the line positions
    of those links, not its text. A view holds just those, in slots (a run keeps one per page
    with such links): `body.links`, `meta["url"]` and `span()` work as on the page's Document;
    the page's anchors are its FileResult's `anchors`; `text` is empty and nothing else is kept.
    """

    __slots__ = ("_links", "_starts", "_url", "body_start", "bom", "frontmatter", "path", "text")

    def __init__(  # Document.__init__ would parse a text; there is none to parse here.
        self, path: str, links: list[Link], url: str | None, starts: bytes
    ) -> None:
        self.path = path
        self.text = ""
        self.bom = False
        self.body_start = 0
        self.frontmatter = None
        self._links = links
        self._url = url
        self._starts = array("I", starts)

    @property
    def body(self) -> ParsedBody:
        return ParsedBody(links=self._links)

    @property
    def meta(self) -> dict[str, object]:
        return {} if self._url is None else {"url": self._url}

    def span(self, start: int, end: int) -> Span:
        line, column = self._position(start)
        end_line, end_column = self._position(end)
        return Span(
            start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column
        )

    def _position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def decode(
    display: str, payload: bytes, remote: bool
) -> tuple[FileResult, PageRow, str | tuple[str, ...]]:
    """A page's FileResult, page facts and anchors (sorted) from its payload.

    The page facts stay the row they travel as (see runmemo.LazyPages): a run holds one per
    page until its report, and most reports never read them.

    The link phase keeps every page's anchors until the run ends (a later page may link into
    any of them), written out to a file of its own (`relative_link.LocalFiles`). They come as
    one string, joined by NUL; the set is built only for a page some link really points into.
    An anchor holding a NUL itself, which no page should have, keeps the tuple.
    """
    from medlint.cache import loads_objects
    from medlint.wire import from_rows

    found, disk, network, anchors, url, sups, starts, page = marshal.loads(payload)
    if remote and network:  # marshalled apart (see parallel.Payload): loaded only to be judged
        disk += marshal.loads(network)
    kept = [build_link(kind, target, start, end, exact) for kind, target, start, end, exact in disk]
    result = FileResult(
        display,
        findings=from_rows(found, display) if found else [],
        links=kept,
        url=url,
        suppressions=list(cast(tuple[Suppression, ...], loads_objects(sups))) if sups else [],
    )
    if kept:
        result.document = LinkView(display, kept, url, starts)
    title, source, last, due = page
    info = (display, title, source, last, due)
    joined = "\x00".join(anchors)
    if joined.count("\x00") != max(len(anchors) - 1, 0):
        return result, info, anchors
    return result, info, joined
