"""Line arithmetic shared by the content rules' fixes: deleting lines cleanly, blank lines.

Several fixes remove whole lines (a placeholder line, a moved review line, a boilerplate
footer). Removing only the line would leave two blank lines where there was one, or a trailing
blank line at the end of the page; the fix must leave the text as if the line had never been
there, so the neighbouring blank line goes too.
"""

from __future__ import annotations

from medlint.document import Document
from medlint.findings import Edit


def last_real_line(doc: Document) -> int:
    """The last line that holds text or a break (the empty "line" after a final break is not)."""
    count = doc.lines.line_count
    if count > 1 and doc.lines.line_start(count) == len(doc.text):
        return count - 1
    return count


def line_text(doc: Document, line: int) -> str:
    return doc.text[doc.lines.line_start(line) : doc.lines.line_end(line)]


def is_blank(doc: Document, line: int) -> bool:
    """A real line of the body holding only whitespace (the frontmatter never counts)."""
    if line < 1 or line > last_real_line(doc):
        return False
    if doc.lines.line_start(line) < doc.body_start:
        return False
    return not line_text(doc, line).strip()


def delete_lines(doc: Document, first: int, last: int) -> Edit:
    """An edit removing lines `first`..`last` (1-based, inclusive) as if never written.

    A blank line on each side would become a doubled blank line, so the one after goes too; a
    deletion at the end of the page takes the blank line before it and keeps the page's final
    line break exactly as it was (present or absent).
    """
    lines = doc.lines
    start = lines.line_start(first)
    end = lines.line_end(last, with_break=True)
    final = last_real_line(doc)
    starts_block = first == 1 or start == doc.body_start or is_blank(doc, first - 1)
    if last < final:
        if starts_block and is_blank(doc, last + 1):
            end = lines.line_end(last + 1, with_break=True)
        return Edit(start=start, end=end, replacement="")
    # The deleted lines run to the end of the page.
    ends_with_break = end > start and doc.text[end - 1] in "\r\n"
    if ends_with_break:
        if first > 1 and is_blank(doc, first - 1):
            start = lines.line_start(first - 1)
        return Edit(start=start, end=end, replacement="")
    # No final line break: remove the break before the lines instead, so none is added.
    if first > 1 and lines.line_start(first) > doc.body_start:
        prev = first - 1
        if is_blank(doc, prev) and prev > 1 and lines.line_start(prev) > doc.body_start:
            prev -= 1
        start = lines.line_end(prev)
    return Edit(start=start, end=len(doc.text), replacement="")


def body_lines(doc: Document) -> range:
    """1-based numbers of the lines after the frontmatter."""
    first = doc.lines.position(doc.body_start)[0] if doc.body_start else 1
    return range(first, last_real_line(doc) + 1)
