"""relative-link: every link that can be judged without the network.

Two halves, because a check never touches the disk. The rule's own `check` judges what the page
shows alone: protocol-relative `//host/x` links and `#fragment` links to this page's headings.
`local_link_findings` (called by the run's link phase, and by the fixer for each page it fixes)
judges links to files: root-relative and relative paths resolved case-sensitively against the
repository, and fragments into other Markdown pages.

Links inside code spans and blocks are text: the Markdown parser never reports them as links.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Container, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from medlint.cache import stat_key
from medlint.document import Document
from medlint.findings import Edit, Finding
from medlint.markdown import Link
from medlint.registry import Context, Rule, register
from medlint.runmemo import Observed, listing

if TYPE_CHECKING:
    from medlint.engine import FileResult

# A URL scheme and its colon, as RFC 3986 spells one (the class excludes `:`, so a match ends at
# the first colon or not at all). The workers use it too, to tell network links (parallel).
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_MARKDOWN = (".md", ".markdown")
_POSIX = os.sep == "/"


def _fragment_missing(fragment: str, anchors: frozenset[str] | set[str]) -> bool:
    """Whether `#fragment` names no anchor (GitHub matches case-insensitively; so do we)."""
    wanted = unquote(fragment)
    if wanted in ("", "top") or wanted in anchors:
        return False
    lowered = wanted.lower()
    return not any(a.lower() == lowered for a in anchors)


def _suggest(fragment: str, anchors: frozenset[str] | set[str]) -> str:
    import difflib  # only here: most runs have no broken fragment, and every run imports this rule

    close = difflib.get_close_matches(unquote(fragment).lower(), sorted(anchors), n=1, cutoff=0.6)
    return f"; did you mean `#{close[0]}`?" if close else ""


def page_origin(doc: Document) -> str | None:
    """`scheme://host` of the page's own `url`, when it is an absolute http(s) URL."""
    url = doc.meta.get("url")
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


@register
class RelativeLink(Rule):
    """A link that fails without going to the network: a missing file or anchor.

    ## What it does
    Reports a root-relative link (`/Common/PopUps/popDefinition.aspx?id=…`) or relative link
    (`../drugs/kadcyla.md`) that resolves to no file of the repository (case-sensitive, as on
    Linux and GitHub; the repository is the nearest folder holding `.git`, else the working
    folder), a protocol-relative link (`//host/x`), and a `#fragment`, in this page or another,
    that matches no heading (GitHub-style slugs) or HTML `id`. Links inside code are text.

    ## Why it matters
    A root-relative link copied from a website works on that site only: in the repository, a
    preview or a PDF it leads nowhere. A protocol-relative link breaks in any page not served
    over http(s), and a stale `#anchor` drops the reader at the top of a long page.

    ## Example
    ```markdown
    - [Breast cancer](/Common/PopUps/popDefinition.aspx?id=444971)
    ```
    Use instead (page `url` on https://www.cancer.gov):
    ```markdown
    - [Breast cancer](https://www.cancer.gov/Common/PopUps/popDefinition.aspx?id=444971)
    ```

    ## Fix
    Safe: a root-relative link becomes absolute against the origin (scheme and host) of the
    page's own `url`, which is where the page was published. Other findings have no fix.
    """

    code = "ML201"
    name = "relative-link"
    summary = "link to a missing file or anchor, or protocol-relative link"
    fix = "sometimes"

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        anchors = doc.body.anchors
        for link in doc.body.links:
            target = link.target.strip()
            if target.startswith("//"):
                yield self.finding(
                    doc,
                    doc.span(link.start, link.end),
                    f"protocol-relative link `{target}` depends on how the page is opened: "
                    f"write it with `https:`",
                )
            elif target.startswith("#") and _fragment_missing(target[1:], anchors):
                yield self.finding(
                    doc,
                    doc.span(link.start, link.end),
                    f"`{target}` matches no heading or anchor of this page"
                    + _suggest(target[1:], anchors),
                )


# Answers the derived link memos of `LocalFiles` hold before they start again (see
# `LocalFiles._bound`): about 10 MB at most.
_MEMO_BOUND = 100_000


class LocalFiles:
    """The repository on disk, as link resolution sees it: case-sensitive, cached listings."""

    def __init__(self, cwd: Path | None = None) -> None:
        self.cwd = (cwd or Path.cwd()).resolve()
        self.cwd_str = str(self.cwd)
        # The working folder and the folders above it exist with exactly this spelling (it was
        # resolved): their parents' listings are never read. Those listings say nothing about
        # the repository, and change all the time (/tmp, a home folder), which would make every
        # run's outcome look stale to the run memo.
        self._fixed: dict[str, str | None] = {
            str(folder): "dir" for folder in (self.cwd, *self.cwd.parents)
        }
        self._kinds = dict(self._fixed)
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}
        self._roots: dict[str, str] = {}
        self._anchors: dict[str, frozenset[str] | None] = {}  # pages outside the run, read
        self._sets: dict[str, frozenset[str]] = {}  # run pages' anchors, made into sets
        # A run asks about the same folders and pages thousands of times (every page of a
        # section links to its neighbours): each answer is worked out once.
        self._resolved: dict[str, str | None] = {}
        # Anchors of pages already parsed in this run, by absolute path: a set once asked for;
        # until then as the run keeps them, one NUL-joined string or a collection.
        self.known_anchors: dict[str, str | Collection[str]] = {}
        # Everything read from the disk, so a run's outcome can be reused while it all holds.
        self.observed = Observed()

    def _listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """(entry names, names of the entries that are folders), or None if unlistable."""
        if folder not in self._listings:
            found = listing(folder)
            self._listings[folder] = None if found is None else found[:2]
            self.observed.folders[folder] = None if found is None else found[2:]
        return self._listings[folder]

    def _bound(self) -> None:
        """Forget the answers worked out from listings once they grow past a bound.

        They hold a string or two for every file a link points at, for the whole run; a large
        run's pages link anywhere in it. Each is worked out again from the listings, which are
        kept (listing a folder again costs a read of the disk and its digest: with listings
        forgotten too, a 100,000-page run linking at random listed its folders 400 times over
        and took its main process from 11 to 39 s), so each folder is still listed once a run.
        """
        if len(self._kinds) + len(self._resolved) + len(self._sets) > _MEMO_BOUND:
            self._kinds = dict(self._fixed)
            self._resolved.clear()
            self._sets.clear()

    def root_of(self, folder: str) -> str:
        """The nearest folder at or above `folder` (absolute) holding `.git`; else the working
        folder."""
        if folder in self._roots:
            return self._roots[folder]
        found = str(self.cwd)
        candidate = folder
        while True:
            probe = os.path.join(candidate, ".git")
            exists = os.path.exists(probe)
            self.observed.probes[probe] = exists
            if exists:
                found = candidate
                break
            parent = os.path.dirname(candidate)
            if parent == candidate:
                break
            candidate = parent
        self._roots[folder] = found
        return found

    def kind(self, path: str) -> str | None:
        """ "file" or "dir" when `path` exists with exactly this spelling; None otherwise."""
        try:
            return self._kinds[path]
        except KeyError:
            pass
        norm = os.path.normpath(path)
        if norm != path:
            self._kinds[path] = self.kind(norm)
            return self._kinds[path]
        norm = path  # the caller's string, so that this memo and `resolve`'s share one copy
        if _POSIX and norm.startswith("/"):
            # What os.path.split gives for a normalised absolute path, without its generality.
            head, _, name = norm.rpartition("/")
            parent = head or "/"
        else:
            parent, name = os.path.split(norm)
        found: str | None
        if not name:
            found = "dir" if os.path.isdir(norm) else None
        elif parent and parent != norm and self.kind(parent) != "dir":
            found = None
        else:
            entries = self._listing(parent or ".")
            if entries is None or name not in entries[0]:
                found = None
            else:
                found = "dir" if name in entries[1] else "file"
        self._kinds[norm] = found
        return found

    def resolve(self, path: str) -> str | None:
        """The file a link path means: exact, a folder, or the `.md`/`index.md` a site serves.

        Remembered by the normalised path: links from different folders to one page are
        written differently and mean the same file.
        """
        norm = os.path.normpath(path)
        try:
            return self._resolved[norm]
        except KeyError:
            pass
        self._bound()
        found: str | None = None
        if self.kind(norm) is not None:
            found = norm if norm == path else path  # one string for the key and the answer
        else:
            stripped = path.rstrip("/")
            for candidate in (
                stripped + ".md",
                os.path.join(stripped, "index.md"),
                os.path.join(stripped, "README.md"),
            ):
                if self.kind(candidate) == "file":
                    found = candidate
                    break
        self._resolved[norm] = found
        return found

    def anchors(self, path: str) -> frozenset[str] | None:
        """Heading slugs and ids of another Markdown page (None when it cannot be read)."""
        key = os.path.normpath(path)
        known = self.known_anchors.get(key)
        if known is not None:
            if isinstance(known, frozenset):
                return known
            # Made into a set each time it is asked for (remembered among the bounded memos),
            # not stored back: a set of strings costs several times the joined string, and a
            # large run links into most of its pages.
            made = self._sets.get(key)
            if made is None:
                self._bound()
                made = self._sets[key] = frozenset(
                    (known.split("\x00") if known else ()) if isinstance(known, str) else known
                )
            return made
        if key not in self._anchors:
            try:
                self.observed.pages[key] = stat_key(os.stat(key))
            except OSError:
                self.observed.pages[key] = None
            self._anchors[key] = _read_anchors(key)
        return self._anchors[key]


def _read_anchors(path: str) -> frozenset[str] | None:
    from medlint.text import DecodeFailure, decode

    try:
        if os.path.getsize(path) > 10 * 1024 * 1024:
            return None
        with open(path, "rb") as handle:
            decoded = decode(handle.read())
    except (OSError, DecodeFailure):
        return None
    return frozenset(Document(path, decoded.text).body.anchors)


def _split_target(target: str) -> tuple[str, str]:
    """(path, fragment) of a relative link target, as `urlsplit` gives them.

    The link phase splits tens of thousands of targets; for the plain ones (no scheme, no
    `//`, which the caller has ruled out, and none of the tab or line breaks urlsplit deletes)
    two `partition`s give exactly urlsplit's path and fragment at a tenth of its cost.
    """
    if "\t" in target or "\r" in target or "\n" in target:
        parts = urlsplit(target)
        return parts.path, parts.fragment
    head, _, fragment = target.partition("#")
    return head.partition("?")[0], fragment


def _join(folder: str, path: str) -> str:
    """`os.path.join(folder, path)` for an absolute folder and a relative path, as a string
    concatenation (the link phase joins every link of a run; join's generality cost a tenth of
    it)."""
    if not _POSIX or not path or path.startswith("/"):
        return os.path.join(folder, path)
    return folder + path if folder.endswith("/") else folder + "/" + path


def _dirname(path: str) -> str:
    """`os.path.dirname(path)`, by `rpartition` where the two agree (a POSIX path without a
    doubled `/`): the link phase takes the folder of every page of a run."""
    if _POSIX and "//" not in path:
        head = path.rpartition("/")[0]
        return head if head or not path.startswith("/") else "/"
    return os.path.dirname(path)


# A link into another page of the run whose headings are not known yet: judged at the end.
Later = tuple[Link, str, str, str]  # (link, path as written, fragment, resolved file)


def local_link_findings(doc: Document, rule: Rule, files: LocalFiles) -> list[Finding]:
    """Findings for links to files: missing files (case-sensitive) and missing anchors there."""
    return _judge(doc, rule, files, ())[0]


def _judge(
    doc: Document, rule: Rule, files: LocalFiles, waiting: Container[str]
) -> tuple[list[Finding], list[Later]]:
    """`local_link_findings`, but links into pages in `waiting` (normalised absolute paths of
    pages of the run not parsed yet) are handed back for later instead of read from disk."""
    page = _join(files.cwd_str, doc.path)  # `doc.path` may be absolute: join keeps it
    folder = _dirname(page)
    out: list[Finding] = []
    later: list[Later] = []
    origin: str | None = None
    origin_known = False
    for link in doc.body.links:
        target = link.target.strip()
        if not target or target.startswith(("#", "//")) or (":" in target and SCHEME.match(target)):
            continue
        raw_path, fragment = _split_target(target)
        path = unquote(raw_path) if "%" in raw_path else raw_path
        if not path:
            continue
        if path.startswith("/"):
            resolved = files.resolve(_join(files.root_of(folder), path.lstrip("/")))
        else:
            resolved = files.resolve(_join(folder, path))
        if resolved is None:
            if not origin_known:
                origin, origin_known = page_origin(doc), True
            out.append(_missing(doc, rule, link, target, origin))
        elif fragment and resolved.endswith(_MARKDOWN):
            if waiting and os.path.normpath(resolved) in waiting:
                later.append((link, path, fragment, resolved))
                continue
            found = _fragment_finding(doc, rule, files, (link, path, fragment, resolved))
            if found is not None:
                out.append(found)
    return out, later


def _fragment_finding(doc: Document, rule: Rule, files: LocalFiles, item: Later) -> Finding | None:
    link, path, fragment, resolved = item
    anchors = files.anchors(resolved)
    if anchors is None or not _fragment_missing(fragment, anchors):
        return None
    return rule.finding(
        doc,
        doc.span(link.start, link.end),
        f"`#{fragment}` matches no heading or anchor of `{path}`" + _suggest(fragment, anchors),
    )


def _missing(doc: Document, rule: Rule, link: Link, target: str, origin: str | None) -> Finding:
    span = doc.span(link.start, link.end)
    shown = target if len(target) <= 60 else target[:59] + "…"
    if not target.startswith("/"):
        return rule.finding(doc, span, f"relative link `{shown}` resolves to no file")
    if origin is None:
        return rule.finding(
            doc,
            span,
            f"root-relative link `{shown}` resolves to no file of the repository",
            help="give the page a `url` (its published address) so the link can be made absolute",
        )
    fix = None
    if link.exact:
        fix = rule.make_fix(
            f"Make the link absolute against {origin}",
            Edit(start=link.start, end=link.end, replacement=origin + link.target),
        )
    return rule.finding(
        doc,
        span,
        f"root-relative link `{shown}` resolves to no file of the repository; the page's "
        f"site is {origin}",
        fix=fix,
    )


def disk_check(rule: Rule, files: LocalFiles) -> Callable[[Document], list[Finding]]:
    """The fixer's hook: judge one page's file links against the disk."""

    def check(doc: Document) -> list[Finding]:
        return local_link_findings(doc, rule, files)

    return check


class RunLinks:
    """The link phase's local part, page by page as a run's pages arrive.

    A page's file links are judged as soon as the page comes back from its worker (or the
    cache), while other pages are still being checked, and the page is let go: nothing of the
    run is held for a phase at the end. Only a link into another page of the run that has not
    arrived yet waits, with its page, for `finish`, because that page's headings come with it.
    """

    def __init__(self, rule: Rule, pages: Iterable[tuple[str, str]]) -> None:
        """`pages`: (display, absolute path as discovered) of every page of the run."""
        self.rule = rule
        self.files = LocalFiles()
        # Pages of the run not arrived yet, as keys of `known_anchors`. A page's key is the
        # absolute path the run already holds whenever the two are equal (discovery spells
        # paths as `key` normalises them), so that the set and `known_anchors` add no string
        # of their own for 100,000 pages; a page whose key differs all the same is remembered
        # here with its key.
        self._waiting: set[str] = set()
        self._odd: dict[str, str] = {}
        for display, fspath in pages:
            key = self.key(display)
            if key != fspath:
                self._odd[display] = key
            self._waiting.add(key if key != fspath else fspath)
        self._later: list[tuple[FileResult, list[Later]]] = []

    def key(self, display: str) -> str:
        """The page's absolute, normalised path. A display path as discovery makes them (under
        the working folder, no `.` or `..` parts, no doubled `/`) is joined as it is: what
        normpath would give, at a fraction of its cost, twice a page."""
        if (
            _POSIX
            and display
            and not display.startswith(("/", "./", "../"))
            and not display.endswith(("/", "/.", "/.."))
            and "//" not in display
            and "/./" not in display
            and "/../" not in display
            and display not in (".", "..")
        ):
            return _join(self.files.cwd_str, display)
        return os.path.normpath(os.path.join(self.files.cwd_str, display))

    def add(
        self, result: FileResult, anchors: str | Collection[str], fspath: str | None = None
    ) -> bool:
        """Judge this page's file links; False when some must wait for `finish`.

        `anchors`: the page's anchors, or a string of them joined by NUL (see outcome.decode).
        `fspath`: the page's absolute path as the run discovered it, if the caller has it.
        """
        if fspath is not None:
            key = self._odd.get(result.path, fspath)
        else:
            key = self._odd.get(result.path) or self.key(result.path)
        self._waiting.discard(key)
        # A page that could not be read has no headings to offer: links into it read the disk.
        if not any(f.rule == "unreadable-file" for f in result.findings):
            self.files.known_anchors[key] = anchors
        if result.document is None:
            return True
        found, later = _judge(result.document, self.rule, self.files, self._waiting)
        result.findings.extend(found)
        if later:
            self._later.append((result, later))
            return False
        return True

    def finish(self) -> list[FileResult]:
        """Judge the links that waited; the pages they belong to."""
        for result, later in self._later:
            assert result.document is not None
            for item in later:
                found = _fragment_finding(result.document, self.rule, self.files, item)
                if found is not None:
                    result.findings.append(found)
        return [result for result, _ in self._later]
