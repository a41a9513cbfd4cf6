"""Which files a run looks at.

Folders are walked for Markdown files, skipping what .gitignore files and config excludes say,
and the usual tool folders (.git, node_modules, virtual environments) as ruff does. A file named
explicitly on the command line is always taken: the pre-commit hook passes exact files and the
user meant them. Paths are yielded as the user would write them (relative to the working
directory when under it), in a stable order so output never depends on the file system's order.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    import pathspec

MARKDOWN_SUFFIXES = (".md", ".markdown")
ALWAYS_SKIPPED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".medlint_cache",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)


class Discovered:
    """One file to check (or a folder that could not be listed, with `error`).

    `fspath` is the absolute path as a string and `path` the same as a Path, made on first
    use: a run over 10,000 files that are all answered from the cache never needs the Path
    objects, which cost more to build than the walk itself.
    """

    __slots__ = ("_path", "display", "error", "fspath")

    def __init__(self, path: Path | str, display: str, error: str | None = None) -> None:
        self._path = path if isinstance(path, Path) else None
        self.fspath = os.fspath(path)  # absolute
        self.display = display  # as the user names it
        self.error = error

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self.fspath)
        return self._path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Discovered):
            return NotImplemented
        mine = (self.fspath, self.display, self.error)
        return mine == (other.fspath, other.display, other.error)

    def __hash__(self) -> int:
        return hash((self.fspath, self.display, self.error))

    def __repr__(self) -> str:
        return f"Discovered({self.fspath!r}, {self.display!r}, error={self.error!r})"


class RunItems(Sequence[Discovered]):
    """The files of a run, in discovery order, packed: no Python object per file.

    A run of 100,000 pages kept a Discovered with its two path strings for each file until its
    end (0.24 KB a page), and the worker processes, forked with that list in their memory,
    each ended up holding a copy of it: the main process writes the objects' reference counts
    as it reads them, which copies the memory pages they lie on. Here the display paths are
    NUL-joined in block strings of 4,096 (a path holds no NUL) with each one's end in an array,
    about 0.03 KB a file. A file's absolute path is the working folder joined with its display
    path (or the display path itself when that is absolute); the rare one that is not (a name
    that is not UTF-8, a file outside the working folder) is kept in a dict. A Discovered is
    made when one is asked for.
    """

    __slots__ = ("_base", "_blocks", "_ends", "_errors", "_hashes", "_odd", "_slots")

    _BLOCK = 4096

    def __init__(self, found: Iterable[Discovered] = (), *, base: str = "") -> None:
        """`base`: the working folder, which relative display paths are under."""
        self._base = base.rstrip("/") + "/" if base else "/"
        self._blocks: list[str] = []
        self._ends = array("I")  # each display path's end in its block, separator excluded
        self._errors: dict[int, str] = {}  # folders that could not be listed: rare
        self._odd: dict[int, str] = {}  # absolute paths not made from their display path
        self._slots: array[int] | None = None  # `number`'s table, made on first use
        self._hashes: array[int] | None = None
        self.extend((item.fspath, item.display, item.error) for item in found)

    def extend(self, found: Iterable[Found]) -> None:
        """Add (absolute path, display, error) of each file, in order (one tight loop: a warm
        run over 10,000 files is mostly its walk and this)."""
        base, block_size = self._base, self._BLOCK
        errors, odd, ends = self._errors, self._odd, self._ends
        pending: list[str] = []  # display paths not yet in a block string
        where = len(ends)
        end = ends[-1] if where % block_size else -1
        for fspath, display, error in found:
            if error is not None:
                errors[where] = error
            if fspath != (display if display[:1] == "/" else base + display):
                odd[where] = fspath
            end = end + 1 + len(display) if where % block_size else len(display)
            ends.append(end)
            pending.append(display)
            where += 1
            if not where % block_size:
                self._seal(pending)
                pending = []
        self._seal(pending)
        self._slots = self._hashes = None

    def append(self, item: Discovered) -> None:
        self.extend(((item.fspath, item.display, item.error),))

    def _seal(self, pending: list[str]) -> None:
        """Join `pending`, the display paths just added, into their block: a new one, or the
        last one when it is not full (files added after the run was read, as a test does)."""
        if not pending:
            return
        joined = "\x00".join(pending)
        if (len(self._ends) - len(pending)) % self._BLOCK:  # the last block is partial
            self._blocks[-1] += "\x00" + joined
        else:
            self._blocks.append(joined)

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, where: int) -> Discovered: ...

    @overload
    def __getitem__(self, where: slice) -> list[Discovered]: ...

    def __getitem__(self, where: int | slice) -> Discovered | list[Discovered]:
        if isinstance(where, slice):
            return [self[k] for k in range(*where.indices(len(self)))]
        if not -len(self) <= where < len(self):
            raise IndexError(where)
        where %= len(self)
        return Discovered(self.fspath(where), self.display(where), self._errors.get(where))

    def display(self, where: int) -> str:
        """File `where`'s path as the user names it."""
        block, k = divmod(where, self._BLOCK)
        start = self._ends[where - 1] + 1 if k else 0
        return self._blocks[block][start : self._ends[where]]

    def fspath(self, where: int) -> str:
        """The absolute path of file `where`, as discovered."""
        odd = self._odd.get(where)
        if odd is not None:
            return odd
        display = self.display(where)
        return display if display[0] == "/" else self._base + display

    @property
    def errors(self) -> dict[int, str]:
        """The numbers of the items that are folders which could not be listed, and why."""
        return self._errors

    def iter_fspaths(self) -> Iterator[str]:
        """Every file's absolute path, in order, made a block at a time: a list of the paths
        of 100,000 files is 10 MB, held for a moment while the workers are alive (the number
        table is made then) and so raising the run's peak."""
        base, odd = self._base, self._odd
        where = 0
        for block in self._blocks:
            made = [base + d if d[0] != "/" else d for d in block.split("\x00")]
            if odd:
                for k in range(len(made)):
                    if where + k in odd:
                        made[k] = odd[where + k]
            where += len(made)
            yield from made

    def signature(self) -> bytes:
        """A digest of every file's (absolute path, display) in order, made from the packed
        form as it is: the run memo's name for this list of files (no string per file)."""
        from medlint.cache import hasher  # _blake2's: hashlib would load OpenSSL (5 ms)

        made = hasher()
        made.update(self._base.encode("utf-8", "surrogatepass"))
        for block in self._blocks:
            made.update(b"\x01" + block.encode("utf-8", "surrogatepass"))
        extras = repr((sorted(self._odd.items()), sorted(self._errors.items())))
        made.update(b"\x02" + extras.encode("utf-8", "surrogatepass"))
        return made.digest()

    def number(self, fspath: str) -> int | None:
        """The number of the file whose absolute path is exactly `fspath`; None when no file
        of the run has it. A table of numbers by hash (open addressing), made on first use: a
        dict from path to number would hold a string per file again. Each slot holds the
        number plus one (0: empty) and the hash's high 32 bits (its low bits chose the slot),
        32 bits each: 8 bytes a slot, 16 to 32 bytes a file (a 100,000-page run's main
        process held 4.2 MB of it with 64-bit slots, 2.1 MB now). A path whose high bits
        match by chance is compared in full."""
        slots, hashes = self._slots, self._hashes
        if slots is None or hashes is None:
            slots, hashes = self._index()
        mask = len(slots) - 1
        wanted = hash(fspath)
        high = (wanted >> 32) & 0xFFFFFFFF
        k = wanted & mask
        while True:
            where = slots[k] - 1
            if where < 0:
                return None
            if hashes[k] == high:
                # `self.fspath(where) == fspath`, in line: the link phase asks this for every
                # link of a run, and the two calls were a third of the answer (6,000 a
                # 2,000-page run).
                odd = self._odd.get(where) if self._odd else None
                if odd is not None:
                    if odd == fspath:
                        return where
                else:
                    ends = self._ends
                    block, at = divmod(where, self._BLOCK)
                    display = self._blocks[block][ends[where - 1] + 1 if at else 0 : ends[where]]
                    if (display if display[0] == "/" else self._base + display) == fspath:
                        return where
            k = (k + 1) & mask

    def _index(self) -> tuple[array[int], array[int]]:
        size = 8
        while size < 2 * len(self):
            size *= 2
        slots = array("I", bytes(4 * size))
        hashes = array("I", bytes(4 * size))
        mask = size - 1
        for where, fspath in enumerate(self.iter_fspaths()):
            if where in self._errors:
                continue  # a folder that could not be listed is not a file of the run
            wanted = hash(fspath)
            k = wanted & mask
            while slots[k]:
                k = (k + 1) & mask
            slots[k], hashes[k] = where + 1, (wanted >> 32) & 0xFFFFFFFF
        self._slots, self._hashes = slots, hashes
        return slots, hashes

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable while discovery adds to it

    def __repr__(self) -> str:
        return f"RunItems({list(self)!r})"


def run_items(items: Sequence[Discovered]) -> RunItems:
    """`items` as RunItems (themselves when they are); a list is packed (tests, the fixer)."""
    if isinstance(items, RunItems):
        return items
    return RunItems(items, base=os.getcwd())


def _relative(path: str, base: str) -> str | None:
    """`path` relative to folder `base` as a POSIX string (None when it is not under it).

    String slicing where `path` starts with `base`, as everything the walk builds does: pathlib's
    relative_to cost more than reading the files on a warm run (three calls a file). Anything
    else goes through pathlib, which also knows case-insensitive file systems.
    """
    if path == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    if path.startswith(prefix):
        rel = path[len(prefix) :]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    try:
        return Path(path).relative_to(base).as_posix()
    except ValueError:
        return None


def _display(path: Path | str, cwd: Path | str) -> str:
    rel = _relative(str(path), str(cwd))
    return printable(rel if rel is not None else Path(path).as_posix())


def printable(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as lone surrogates,
    which no report can encode) are shown as `\\xff`. Only for display; files are opened by
    their real path."""
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class FileTooLarge(Exception):
    """`read_regular`'s refusal of a file over its limit, with the file's size to say so."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of `path` when it is a regular file (of at most `limit` bytes); OSError when
    it is not, or cannot be read; FileTooLarge over the limit.

    Every file medlint reads besides its own goes through here: pages (the check's and the
    fixer's fallback, and the link phase's pages outside the run), configs, ignore files and
    rule packs. The file is opened without waiting and asked what it is before it is read: a
    named pipe named like one of them (`mkfifo pipe.md`) made a run wait forever for a writer.
    In a module with no imports of medlint's own: a config is read on every run, also one
    answered from its memo.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with open(fd, "rb") as handle:  # closes the descriptor
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            why = "not a regular file (a named pipe, a socket or a device)"
            raise OSError(errno.EINVAL, why, str(path))
        if limit is not None and st.st_size > limit:
            raise FileTooLarge(st.st_size)
        return handle.read()


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    # pathspec costs tens of milliseconds to import (it probes for its regex backends): only
    # a run that meets a .gitignore or has excludes pays for it.
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _gitignore_spec(folder: Path) -> pathspec.GitIgnoreSpec | None:
    ignore = folder / ".gitignore"
    try:
        lines = read_regular(ignore).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    return _spec(lines)


def discover(
    paths: list[Path],
    cwd: Path,
    *,
    exclude: list[str],
    config_root: Path,
    respect_gitignore: bool = True,
) -> Iterator[Discovered]:
    """Yield the files to check, each once, sorted within each named path."""
    for path, display, error in found(
        paths, cwd, exclude=exclude, config_root=config_root, respect_gitignore=respect_gitignore
    ):
        yield Discovered(path, display, error)


# (absolute path, display, error) of one file, or of a folder that could not be listed.
Found = tuple[str, str, str | None]


def found(
    paths: list[Path],
    cwd: Path,
    *,
    exclude: list[str],
    config_root: Path,
    respect_gitignore: bool = True,
) -> Iterator[Found]:
    """`discover`'s files as plain tuples (what RunItems packs: no object per file)."""
    root = str(config_root.resolve())
    absolutes = [_absolute(given, cwd) for given in paths]
    # os.path.normcase'd paths, equal as pathlib would compare them, of the files yielded so
    # far; None where no file can come twice (see `_may_repeat`): a set of every path of a
    # 100,000-page walk was 19 MB at its end, let go just before the workers fork, and the
    # memory a process frees just before a fork costs twice, in the workers that inherit it
    # and in the parent, which writes its next objects there and so copies the pages.
    seen: set[str] | None = set() if _may_repeat([str(a) for a in absolutes]) else None
    # Built on first use: files named on the command line (the pre-commit hook's) are taken
    # whatever the excludes say, so such a run never imports pathspec for them.
    specs: list[pathspec.GitIgnoreSpec] = []

    def excluded(path: str, is_dir: bool) -> bool:
        if not specs:
            specs.append(_spec(exclude))
        excludes = specs[0]
        rel = _relative(path, root)
        if rel is None:
            return False
        return excludes.match_file(rel) or (is_dir and excludes.match_file(rel + "/"))

    for given, absolute in zip(paths, absolutes, strict=True):
        display_base = printable(
            given.as_posix() if not given.is_absolute() else absolute.as_posix()
        )
        if given.is_absolute() or absolute.is_relative_to(cwd):
            display_base = _display(absolute, cwd) if not given.is_absolute() else display_base
        if not os.path.isdir(absolute):
            if seen is None:
                yield str(absolute), display_base, None
                continue
            key = os.path.normcase(absolute)
            if key not in seen:
                seen.add(key)
                yield str(absolute), display_base, None
            continue
        yield from _walk(absolute, cwd, excluded if exclude else None, respect_gitignore, seen)


def _absolute(given: Path, cwd: Path) -> Path:
    """A named path, absolute, its links resolved. One whose links loop (pathlib raises
    RuntimeError for it before Python 3.13) is taken as named, made absolute: reading it then
    fails as for any unreadable file (ELOOP), a finding, where the loop ended the run with a
    traceback."""
    if given.is_absolute():
        return given
    try:
        return (cwd / given).resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(cwd / given))


def _may_repeat(roots: list[str]) -> bool:
    """Whether a file can be found twice under these named paths (absolute, resolved).

    One walk finds each path once: a folder is walked under one spelling (each once, by its
    device and inode), and a folder's names are distinct. So a path can only come again from
    another named path that is the same or nests with it, as a string: every path a walk
    finds starts with its folder's. Where `normcase` is not the identity (Windows), two names
    of one folder may still be one key, as before.
    """
    if _normcase is not str:
        return True
    keys = sorted(r.rstrip(os.sep) + os.sep for r in roots)
    # Sorted, a key that is a prefix of a later one is a prefix of the next one.
    return any(later.startswith(key) for key, later in itertools.pairwise(keys))


def _walk(
    top: Path,
    cwd: Path,
    excluded: Callable[[str, bool], bool] | None,
    respect_gitignore: bool,
    seen: set[str] | None,
) -> Iterator[Found]:
    cwd_str = str(cwd)
    # Stack of (folder, [(folder the spec is relative to, spec)...]).
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    if respect_gitignore:
        # .gitignore files above the named folder still apply, up to the repository's top.
        for parent in reversed([top, *top.parents]):
            if parent == top:
                break
            spec = _gitignore_spec(parent)
            if spec is not None:
                specs.append((str(parent), spec))
            if (parent / ".git").exists():
                specs = [(str(parent), spec)] if spec is not None else []
    stack: list[tuple[Path, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [(top, specs)]
    # Folders already walked, by (device, inode): a symlink back up the tree (`docs/all -> ..`)
    # made the walk endless, and two such links made it exponential.
    walked: set[tuple[int, int]] = set()
    while stack:
        folder, inherited = stack.pop()
        try:
            st = os.stat(folder)
        except OSError:
            pass  # scandir below reports it
        else:
            if (st.st_dev, st.st_ino) in walked:
                continue
            walked.add((st.st_dev, st.st_ino))
        local = list(inherited)
        if respect_gitignore:
            spec = _gitignore_spec(folder)
            if spec is not None:
                local.append((str(folder), spec))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield str(folder), _display(folder, cwd), exc.strerror or str(exc)
            continue
        subfolders: list[Path] = []
        # A file's display path is the folder's plus its name (what `_display` gives, a
        # folder's worth of string work saved per file: a warm run over 10,000 files is
        # mostly this walk). Folders outside the working folder take `_display`.
        rel = _relative(str(folder), cwd_str)
        prefix = None if rel is None else "" if rel == "." else rel + "/"
        for entry in entries:
            path, name = entry.path, entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:  # a link that loops (ELOOP): not a folder; a page by its name is
                is_dir = False  # checked, and reported unreadable, as a dangling link is
            if is_dir and name in ALWAYS_SKIPPED:
                continue
            if local and _ignored(path, is_dir, local):
                continue
            if excluded is not None and excluded(path, is_dir):
                continue
            if is_dir:
                subfolders.append(folder / name)
            elif name.endswith(MARKDOWN_SUFFIXES):
                if seen is not None:
                    key = _normcase(path)
                    if key in seen:
                        continue
                    seen.add(key)
                shown = printable(prefix + name) if prefix is not None else None
                yield path, shown or _display(path, cwd_str), None
        # Depth-first in name order: push in reverse so the first name is walked first.
        stack.extend((sub, local) for sub in reversed(subfolders))


# Identity on POSIX: skipped there, it is called once for every file of a walk.
_normcase = os.path.normcase if os.path.normcase("A") != "A" else str


def _ignored(path: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    for base, spec in specs:
        rel = _relative(path, base)
        if rel is not None and spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False
