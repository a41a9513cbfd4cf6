"""Which files a run looks at.

Folders are walked for Markdown files, skipping what .gitignore files and config excludes say,
and the usual tool folders (.git, node_modules, virtual environments) as ruff does. A file named
explicitly on the command line is always taken: the pre-commit hook passes exact files and the
user meant them. Paths are yielded as the user would write them (relative to the working
directory when under it), in a stable order so output never depends on the file system's order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

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


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    # pathspec costs tens of milliseconds to import (it probes for its regex backends): only
    # a run that meets a .gitignore or has excludes pays for it.
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _gitignore_spec(folder: Path) -> pathspec.GitIgnoreSpec | None:
    ignore = folder / ".gitignore"
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
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
    root = str(config_root.resolve())
    seen: set[str] = set()  # os.path.normcase'd paths: equal as pathlib would compare them
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

    for given in paths:
        absolute = (cwd / given).resolve() if not given.is_absolute() else given
        display_base = printable(
            given.as_posix() if not given.is_absolute() else absolute.as_posix()
        )
        if given.is_absolute() or absolute.is_relative_to(cwd):
            display_base = _display(absolute, cwd) if not given.is_absolute() else display_base
        if not os.path.isdir(absolute):
            key = os.path.normcase(absolute)
            if key not in seen:
                seen.add(key)
                yield Discovered(absolute, display_base)
            continue
        yield from _walk(absolute, cwd, excluded if exclude else None, respect_gitignore, seen)


def _walk(
    top: Path,
    cwd: Path,
    excluded: Callable[[str, bool], bool] | None,
    respect_gitignore: bool,
    seen: set[str],
) -> Iterator[Discovered]:
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
            yield Discovered(folder, _display(folder, cwd), error=exc.strerror or str(exc))
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
            except OSError:
                continue
            if is_dir and name in ALWAYS_SKIPPED:
                continue
            if local and _ignored(path, is_dir, local):
                continue
            if excluded is not None and excluded(path, is_dir):
                continue
            if is_dir:
                subfolders.append(folder / name)
            elif name.endswith(MARKDOWN_SUFFIXES):
                key = _normcase(path)
                if key not in seen:
                    seen.add(key)
                    shown = printable(prefix + name) if prefix is not None else None
                    yield Discovered(path, shown or _display(path, cwd_str))
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
