"""Writing a fixed page back: atomically, faithfully, and never over someone else's edit.

- Atomic: the new bytes go to a temporary file in the same folder (same file system, so the
  rename is atomic), which is fsynced, renamed over the page, and the folder fsynced, so a crash
  leaves either the old page or the new one, never half of each.
- Faithful: the caller hands over exact bytes (line endings and BOM are the text's own); the
  page's permission bits (and owner, where allowed) are copied to the new file.
- A symlink stays a symlink: the link is resolved and its target is replaced.
- A file that needs no change is not written at all, so its mtime stays (make and editors care).
- A file whose bytes changed since they were read (an editor saved it meanwhile) is refused.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
