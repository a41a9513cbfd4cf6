"""relative-link: every link that can be judged without the network.

Two halves, because a check never touches the disk. The rule's own `check` judges what the page
shows alone: protocol-relative `//host/x` links and `#fragment` links to this page's headings.
`local_link_findings` (called by the run's link phase, and by the fixer for each page it fixes)
judges links to files: root-relative and relative paths resolved case-sensitively against the
repository, and fragments into other Markdown pages.

Links inside code spans and blocks are text: the Markdown parser never reports them as links.
"""

from __future__ import annotations

import marshal
import os
import re
from array import array
from collections.abc import Callable, Collection, Container, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

from medlint.cache import stat_key
from medlint.discovery import FileTooLarge, read_regular
from medlint.document import Document
from medlint.findings import Edit, Finding
from medlint.markdown import Link
from medlint.registry import Context, Rule, register
from medlint.runmemo import Observed, listing
from medlint.spill import Spill

if TYPE_CHECKING:
    from medlint.engine import FileResult

# A URL scheme and its colon, as RFC 3986 spells one (the class excludes `:`, so a match ends at
# the first colon or not at all). The workers use it too, to tell network links (parallel).
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_MARKDOWN = (".md", ".markdown")
_POSIX = os.sep == "/"
# `os.path.normpath` of a str, less its Python frame: on POSIX (3.11, 3.12) it is this C function
# followed by `or "."`, which the callers here add (they pass absolute paths, never "").
# The link phase normalises every link of a run; the frame was a tenth of `resolve`.
_normpath: Callable[[str], str] = (
    getattr(os.path, "_path_normpath", None) or os.path.normpath if _POSIX else os.path.normpath
)


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


class RunPages(Protocol):
    """The pages of a run, by number (the runner's packed list of discovered files)."""

    def __len__(self) -> int: ...

    def fspath(self, where: int) -> str:
        """Page `where`'s absolute path, as discovered."""
        ...

    def display(self, where: int) -> str:
        """Page `where`'s path as reports show it."""
        ...

    def number(self, fspath: str) -> int | None:
        """The number of the page whose `fspath` is exactly this string; None when none is."""
        ...


# Answers the derived link memos of `LocalFiles` hold before they start again (see
# `LocalFiles._bound`). Links to the run's own pages are answered from the page's number and
# never enter them, so they hold the answers about other targets (missing files above all),
# each asked about once or twice a run: starting again early costs no work. About 2 MB at most.
_MEMO_BOUND = 20_000

# Entry names the kept folder listings hold at most, together (a listing counts one more for
# itself): about 4 MB. Pages of the run are not among them (see `LocalFiles._listing`), so a
# repository of Markdown pages keeps every listing for the run, and a folder is listed again
# only past thousands of other files (images, say) in the folders links point into.
_LISTING_BOUND = 50_000

# A run page's state (`LocalFiles.state`), one byte a page.
_LISTED = 1  # its folder was listed and holds it with exactly its spelling
_ARRIVED = 2  # it came back from its worker: its anchors are in the spill, unless...
_UNREADABLE = 4  # ...it could not be read: links into it read the disk, as for other files
_FOUND = 8  # `_page_kind` found it: "file" (its folders and listing were checked once)

# Anchors of arrived pages are appended to a temporary file in pieces of this size.
_SPILL_CHUNK = 1 << 20


class LocalFiles:
    """The repository on disk, as link resolution sees it: case-sensitive, cached listings.

    Given the run's pages (`pages`), it also knows them by number: whether each is in its
    folder's listing, and the anchors of each page that has arrived (`keep_anchors`), so that
    links to them are answered from a few bytes a page rather than strings held for the run.
    """

    def __init__(self, cwd: Path | None = None, pages: RunPages | None = None) -> None:
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
        # Folder -> (entry names, names of the entries that are folders), or None when it
        # cannot be listed; least recently used first. Names of run pages are left out.
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]] | None] = {}
        self._listed_names = 0  # what `_listings` holds, counted as `_LISTING_BOUND` counts
        self.relisted = 0  # folders listed again after their listing was let go
        self._roots: dict[str, str] = {}
        self._anchors: dict[str, frozenset[str] | None] = {}  # pages outside the run, read
        self._sets: dict[int, frozenset[str]] = {}  # run pages' anchors, made into sets
        # A run asks about the same folders and pages thousands of times (every page of a
        # section links to its neighbours): each answer is worked out once.
        self._resolved: dict[str, str | None] = {}
        self.pages = pages
        n = len(pages) if pages is not None else 0
        self.state = bytearray(n)  # by page number: `_LISTED`, `_ARRIVED`, `_UNREADABLE`
        # Where each arrived page's anchors are in `_spill`, and how long (0: none).
        self._starts = array("q", bytes(8 * n))
        self._sizes = array("I", bytes(4 * n))
        self._spill = Spill("medlint-anchors-", _SPILL_CHUNK)
        # Pages whose normalised absolute path (what links resolve to) is not the path they
        # were discovered with, by that normalised path: rare (see `RunLinks.__init__`).
        self.odd: dict[str, int] = {}
        # Everything read from the disk, so a run's outcome can be reused while it all holds.
        self.observed = Observed()

    def _listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """(entry names, names of the entries that are folders), or None if unlistable.

        Run pages found in the listing are marked `_LISTED` and left out of the names kept: a
        link to a run page is then answered from its number, and the listings kept hold only
        the other entries (none, in a folder of pages), within `_LISTING_BOUND` for the run.
        """
        try:
            kept = self._listings.pop(folder)
        except KeyError:
            pass
        else:
            self._listings[folder] = kept  # now the most recently used
            return kept
        found = listing(folder)
        if folder in self.observed.folders:
            self.relisted += 1  # what the run memo depends on was recorded the first time
        else:
            self.observed.folders[folder] = None if found is None else found[2:]
        if found is None:
            kept = None
        else:
            names, dirs = found[0], found[1]
            if self.pages is not None:
                number, state, taken = self.pages.number, self.state, []
                for name in names:
                    if name not in dirs:
                        where = number(_join(folder, name))
                        if where is not None:
                            state[where] |= _LISTED
                            taken.append(name)
                if taken:
                    names = names.difference(taken)
            kept = (names, dirs)
        self._listings[folder] = kept
        self._listed_names += 1 + (len(kept[0]) if kept is not None else 0)
        while self._listed_names > _LISTING_BOUND and len(self._listings) > 1:
            gone = self._listings.pop(next(iter(self._listings)))
            self._listed_names -= 1 + (len(gone[0]) if gone is not None else 0)
        return kept

    def _bound(self) -> None:
        """Forget the answers worked out from listings once they grow past a bound.

        They hold a string or two for every target other than a run page that links point at,
        for the whole run. Each is worked out again from the listings, which are kept within
        their own bound (listing a folder again costs a read of the disk and its digest: with
        listings forgotten too, a 100,000-page run linking at random listed its folders 400
        times over and took its main process from 11 to 39 s).
        """
        if (
            len(self._kinds) + len(self._resolved) + len(self._sets) + len(self._anchors)
            > _MEMO_BOUND
        ):
            self._kinds = dict(self._fixed)
            self._resolved.clear()
            self._sets.clear()
            self._anchors.clear()

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
        norm = _normpath(path) or "."
        if norm != path:
            self._kinds[path] = self.kind(norm)
            return self._kinds[path]
        norm = path  # the caller's string, so that this memo and `resolve`'s share one copy
        if self.pages is not None:
            where = self.pages.number(norm)
            if where is not None:
                return self._page_kind(norm, where)
        parent, name = _split(norm)
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

    def _page_kind(self, path: str, where: int) -> str | None:
        """`kind` of run page `where`, whose path is `path` (normalised): what its folder's
        listing says, as for any file, but remembered in the page's state, not in `_kinds`.

        Not taken on trust from discovery: a file named on the command line is a run page
        whether or not it exists with that spelling. Once found, the page's `_FOUND` bit
        answers (`resolve` reads it first, for every link into a run page): its listing bit
        is kept for the run, and its folders are taken as unchanged, as `_LISTED` takes them."""
        state = self.state
        if state[where] & _FOUND:
            return "file"
        parent = _split(path)[0]
        if parent and parent != path and self.kind(parent) != "dir":
            return None
        if not state[where] & _LISTED:
            folder = parent or "."
            if folder in self.observed.folders:  # listed, and the page was not in it
                return None
            self._listing(folder)
            if not state[where] & _LISTED:
                return None
        state[where] |= _FOUND
        return "file"

    def resolve(self, path: str) -> str | None:
        """The file a link path means: exact, a folder, or the `.md`/`index.md` a site serves.

        Remembered by the normalised path: links from different folders to one page are
        written differently and mean the same file. A run page is answered from its number.
        """
        norm = _normpath(path) or "."
        if self.pages is not None:
            where = self.pages.number(norm)
            if where is not None and (
                self.state[where] & _FOUND or self._page_kind(norm, where) is not None
            ):
                return norm if norm == path else path
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

    def page(self, key: str) -> int | None:
        """The number of the run page whose normalised absolute path is `key`, if any."""
        if self.pages is None:
            return None
        if self.odd:
            where = self.odd.get(key)
            if where is not None:
                return where
        return self.pages.number(key)

    def keep_anchors(self, where: int, anchors: str | Collection[str]) -> None:
        """Keep the anchors of run page `where`, arrived: a string of them joined by NUL (see
        outcome.decode), or a collection (an anchor holding a NUL)."""
        if anchors:
            data = marshal.dumps(anchors if isinstance(anchors, str) else tuple(anchors))
            self._starts[where] = self._spill.append(data)
            self._sizes[where] = len(data)
        self.state[where] |= _ARRIVED

    def _run_anchors(self, where: int) -> frozenset[str]:
        size = self._sizes[where]
        if not size:
            return frozenset()
        known = marshal.loads(self._spill.read(self._starts[where], size))
        return frozenset(known.split("\x00") if isinstance(known, str) else known)

    def anchors(self, path: str) -> frozenset[str] | None:
        """Heading slugs and ids of another Markdown page (None when it cannot be read)."""
        key = os.path.normpath(path)
        where = self.page(key)
        if where is not None and self.state[where] & (_ARRIVED | _UNREADABLE) == _ARRIVED:
            # Made into a set when asked for, remembered among the bounded memos: a set of
            # strings costs several times their bytes, and a large run links into most of
            # its pages.
            made = self._sets.get(where)
            if made is None:
                self._bound()
                made = self._sets[where] = self._run_anchors(where)
            return made
        if key not in self._anchors:
            try:
                self.observed.pages[key] = stat_key(os.stat(key))
            except OSError:
                self.observed.pages[key] = None
            self._anchors[key] = _read_anchors(key)
        return self._anchors[key]

    def close(self) -> None:
        """Let go of the spilled anchors (the run has judged every link)."""
        self._spill.close()


def _split(norm: str) -> tuple[str, str]:
    """`os.path.split` of a normalised path; for an absolute POSIX one, without its
    generality (the link phase splits a path for most links of a run)."""
    if _POSIX and norm.startswith("/"):
        head, _, name = norm.rpartition("/")
        return head or "/", name
    return os.path.split(norm)


def _read_anchors(path: str) -> frozenset[str] | None:
    from medlint.text import DecodeFailure, decode

    try:
        decoded = decode(read_regular(path, 10 * 1024 * 1024))
    except (OSError, FileTooLarge, DecodeFailure):
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


class _Waiting(Container[str]):
    """The run pages not arrived yet, as `_judge` asks: by normalised absolute path."""

    __slots__ = ("files", "left")

    def __init__(self, files: LocalFiles) -> None:
        self.files = files
        self.left = len(files.state)

    def __bool__(self) -> bool:
        return self.left > 0

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        where = self.files.page(key)
        return where is not None and not self.files.state[where] & _ARRIVED


class RunLinks:
    """The link phase's local part, page by page as a run's pages arrive.

    A page's file links are judged as soon as the page comes back from its worker (or the
    cache), while other pages are still being checked, and the page is let go: nothing of the
    run is held for a phase at the end. Only a link into another page of the run that has not
    arrived yet waits, with its page, for `finish`, because that page's headings come with it.
    What is known of each page (listed, arrived, where its anchors are) is a few bytes in
    arrays by its number (see `LocalFiles`).
    """

    def __init__(self, rule: Rule, pages: RunPages) -> None:
        """`pages`: every page of the run; `add` names a page by its number there."""
        self.rule = rule
        self.files = files = LocalFiles(pages=pages)
        # A page is found by the path links resolve to, its key (see `key`), through
        # `pages.number`, which knows the path it was discovered with: the two are equal
        # whenever discovery spells paths as `key` normalises them. A page whose key differs
        # all the same is remembered in `files.odd`.
        cwd = files.cwd_str
        prefix = cwd if cwd.endswith("/") else cwd + "/"
        for where in range(len(pages)):
            display, fspath = pages.display(where), pages.fspath(where)
            if (
                _POSIX
                and len(fspath) == len(prefix) + len(display)
                and fspath.endswith(display)
                and fspath.startswith(prefix)
                and _plain(display)
            ):
                continue  # `key` would join the two: it gives `fspath`
            key = self.key(display)
            if key != fspath:
                files.odd[key] = where
        self._waiting = _Waiting(files)
        self._later: list[tuple[FileResult, list[Later]]] = []

    def key(self, display: str) -> str:
        """The page's absolute, normalised path. A display path as discovery makes them (under
        the working folder, no `.` or `..` parts, no doubled `/`) is joined as it is: what
        normpath would give, at a fraction of its cost."""
        if _POSIX and _plain(display):
            return _join(self.files.cwd_str, display)
        return os.path.normpath(os.path.join(self.files.cwd_str, display))

    def add(self, result: FileResult, anchors: str | Collection[str], where: int) -> bool:
        """Judge this page's file links; False when some must wait for `finish`.

        `anchors`: the page's anchors, or a string of them joined by NUL (see outcome.decode).
        `where`: the page's number in the run's pages.
        """
        files = self.files
        # A page that could not be read has no headings to offer: links into it read the disk.
        if any(f.rule == "unreadable-file" for f in result.findings):
            files.state[where] |= _ARRIVED | _UNREADABLE
        else:
            files.keep_anchors(where, anchors)
        self._waiting.left -= 1
        if result.document is None:
            return True
        found, later = _judge(result.document, self.rule, files, self._waiting)
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
        self.files.close()
        return [result for result, _ in self._later]


def _plain(display: str) -> bool:
    """Whether a display path is relative and normalised as discovery makes them (no `.` or
    `..` parts, no doubled or trailing `/`): joined to the working folder, it is normalised."""
    return (
        bool(display)
        and not display.startswith(("/", "./", "../"))
        and not display.endswith(("/", "/.", "/.."))
        and "//" not in display
        and "/./" not in display
        and "/../" not in display
        and display not in (".", "..")
    )
