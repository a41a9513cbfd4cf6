"""Writing a fixed page back: atomically, faithfully, and never over someone else's edit.

- Atomic: the new bytes go to a temporary file in the same folder (same file system, so the
  rename is atomic), which is fsynced, renamed over the page, and the folder fsynced, so a crash
  leaves either the old page or the new one, never half of each.
- Faithful: the caller hands over exact bytes (line endings and BOM are the text's own); the
  page's permission bits (and owner, where allowed) are copied to the new file.
- A symlink stays a symlink: the link is resolved and its target is replaced.
- A file that needs no change is not written at all, so its mtime stays (make and editors care).
- A file whose bytes changed since they were read (an editor saved it meanwhile) is refused.

Most of a write's time is waiting for the disk (the fsync). `WriteBehind` lets a caller with
other work to do (the fix run's main process, while its workers fix pages) hand writes to one
background thread, which does each of them exactly as above, one at a time, in the order given.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor


class WriteRefused(Exception):
    """The file was not written; the message says why in a user's words."""


def encode(text: str, *, bom: bool) -> bytes:
    """The bytes of a page: UTF-8, with the BOM it was read with."""
    return ("\ufeff" + text if bom else text).encode("utf-8")


def write_atomic(path: Path, data: bytes, expected_original: bytes) -> bool:
    """Replace the file at `path` with `data`; False when it already holds exactly `data`.

    Raises WriteRefused when the file changed on disk since `expected_original` was read, when it
    is not a regular file, or when it cannot be written.
    """
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except OSError as exc:
        raise WriteRefused(f"cannot read file before writing: {exc.strerror or exc}") from None
    import stat as stat_mod

    if not stat_mod.S_ISREG(st.st_mode):
        raise WriteRefused("not a regular file: not written")
    if st.st_nlink > 1:
        raise WriteRefused(
            f"file has {st.st_nlink} hard links; replacing it would split them: not written"
        )
    # The rename needs only the folder's permission, so without this a read-only page would be
    # replaced (and given to whoever ran medlint). Root may write anything, as with any editor.
    if not os.access(target, os.W_OK):
        raise WriteRefused("file is read-only: not written (make it writable to fix it)")
    try:
        current = target.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"cannot read file before writing: {exc.strerror or exc}") from None
    if current != expected_original:
        raise WriteRefused("file changed on disk since it was read: not overwritten (run again)")
    if current == data:
        return False
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".medlint-tmp", dir=folder
        )
    except OSError as exc:
        raise WriteRefused(
            f"cannot create a temporary file beside it: {exc.strerror or exc}"
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), stat_mod.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):  # Only root may give a file away; keep going.
                os.fchown(handle.fileno(), st.st_uid, st.st_gid)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WriteRefused(f"cannot write file: {exc.strerror or exc}") from None
    _fsync_folder(folder)
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


class WriteBehind:
    """Jobs (each one page's write) run in one background thread, in the order submitted.

    At most `limit` jobs wait at a time; `submit` then waits for the oldest, so pages waiting to
    be written cannot pile up in memory. Leaving the `with` block waits for every job and
    re-raises the first error (a job reports refusals itself; an error here is a bug). When the
    block is left by an exception (Ctrl-C), jobs not started are dropped and the one being
    written is finished, so no page is left half-written and none is written after it.
    """

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._pool: ThreadPoolExecutor | None = None  # started with the first job
        self._pending: deque[Future[None]] = deque()

    def submit(self, job: Callable[[], None]) -> None:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="medlint-write")
        while self._pending and (self._pending[0].done() or len(self._pending) >= self._limit):
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(job))

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        try:
            if kind is None:
                while self._pending:
                    self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
