"""Writing files and folders so that a failed or killed run never loses anything.

Three guarantees, used by every command that writes:

- :func:`atomic_write_bytes` writes a file through a temporary file in the same folder
  and one rename: at every moment the path holds the old complete file or the new one.
- :func:`check_output_file` and :func:`check_output_folder` refuse, before any work, an
  output path that would overwrite an input, the working folder, or a folder that is
  not a previous trends report (recognised by its :data:`MARKER` file).
- :class:`StagedFolder` builds a report in a unique hidden staging folder beside its
  destination, under a lock, and swaps it into place with one atomic exchange (Linux
  ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames with recovery on the next run).
  A run killed at any moment leaves the previous complete report or the new one;
  staging folders left by killed runs are removed by the next run.

:func:`describe_os_error` turns an :class:`OSError` into one line that says what went
wrong and what to do.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

from .errors import TrendsError

__all__ = [
    "MARKER",
    "atomic_write_text",
    "atomic_write_bytes",
    "check_output_file",
    "check_output_folder",
    "describe_os_error",
    "OutputPathError",
    "WriteError",
    "StagedFolder",
]

#: File written into every report folder; its presence lets a later run replace it.
MARKER = ".trends-report"
_MARKER_TEXT = "This folder was written by 'trends report'; the next run may replace it.\n"
_STAGING = ".staging-"
_PREVIOUS = ".previous"


class WriteError(OSError):
    """An :class:`OSError` while writing a file; ``filename`` is the destination."""


class OutputPathError(TrendsError):
    """An output path that would overwrite an input or a folder trends did not write."""


# ---------------------------------------------------------------------------------------
# Single files
# ---------------------------------------------------------------------------------------


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The temporary file sits in the destination folder (a rename within one file system
    is atomic) and is removed when anything fails, so ``path`` holds its old content or
    the new one, never a part.

    Raises
    ------
    OSError
        As the system reports it (see :func:`describe_os_error`).
    """
    path = Path(path)
    try:
        _atomic_write(path, data)
    except OSError as e:  # name the destination, not the temporary file
        raise WriteError(e.errno, e.strerror or str(e), str(path)) from e


def _atomic_write(path: Path, data: bytes) -> None:
    # A short prefix: the temporary name must fit where the final name fits.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private; give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_HINTS = {  # what to do, after the system's reason
    errno.ENOSPC: "free some space or write elsewhere",
    errno.EROFS: "write elsewhere",
    errno.EFBIG: "raise the file-size limit (ulimit -f) or write elsewhere",
    errno.EDQUOT: "free some space or write elsewhere",
    errno.EACCES: "check the permissions or write elsewhere",
    errno.EPERM: "check the permissions or write elsewhere",
    errno.ENOENT: "check the path; a missing folder is not created",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.EISDIR: "give a file name",
    errno.ENAMETOOLONG: "use a shorter name",
    errno.EBUSY: "write elsewhere",
    errno.ELOOP: "check the symbolic links in the path",
}


def describe_os_error(e: OSError, action: str = "cannot write") -> str:
    """One line for an :class:`OSError`: ``PATH: cannot write (reason; what to do)``.

    Parameters
    ----------
    e : OSError
    action : str
        What failed, e.g. ``cannot read``.
    """
    reason = e.strerror or str(e) or type(e).__name__
    hint = _HINTS.get(e.errno or -1)
    text = f"{reason}; {hint}" if hint else reason
    return f"{e.filename}: {action} ({text})" if e.filename is not None else f"{action} ({text})"


# ---------------------------------------------------------------------------------------
# Output path checks
# ---------------------------------------------------------------------------------------


def _resolved(path: str | os.PathLike) -> Path:
    return Path(os.path.abspath(os.path.realpath(path)))


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _check_common(output: str | os.PathLike, inputs, what: str) -> Path:
    raw = str(output)
    if raw.strip() == "":
        raise OutputPathError(f"the {what} path is empty; name a {what}")
    name = Path(raw).name
    if name in ("", ".", "..") or raw.rstrip("/\\") in ("", ".", ".."):
        raise OutputPathError(
            f"{raw}: not a {what} name (it names the current or parent folder); "
            f"name a new {what}, e.g. report"
        )
    out = _resolved(raw)
    cwd = _resolved(os.getcwd())
    if _inside(cwd, out):
        raise OutputPathError(
            f"{raw}: contains the working folder; name a new {what} inside it instead"
        )
    for name_in in inputs:
        if name_in is None:
            continue
        inp = _resolved(name_in)
        if inp == out:
            raise OutputPathError(f"{raw}: is also the input; write the {what} elsewhere")
        if _inside(inp, out):
            raise OutputPathError(
                f"{raw}: contains the input {name_in}; write the {what} elsewhere"
            )
        if _inside(out, inp):
            raise OutputPathError(
                f"{raw}: lies inside the input {name_in}; write the {what} elsewhere"
            )
    return out


def check_output_file(output: str | os.PathLike, inputs=()) -> None:
    """Refuse a file output that would overwrite an input or a folder.

    Raises
    ------
    OutputPathError
        When ``output`` is an input, contains one or lies inside one, is ``.``/``..``,
        or is an existing folder.
    """
    _check_common(output, inputs, "file")
    if os.path.isdir(output):
        raise OutputPathError(f"{output}: is a folder; give a file name")


def is_report_folder(path: str | os.PathLike) -> bool:
    """True when ``path`` is a folder a previous run of ``trends report`` wrote."""
    return (Path(path) / MARKER).is_file()


def check_output_folder(output: str | os.PathLike, inputs=()) -> None:
    """Refuse a report folder that would replace anything trends did not write.

    An output may be a new path, an empty folder, or a previous trends report
    (recognised by its :data:`MARKER` file).

    Raises
    ------
    OutputPathError
        When ``output`` is an input, contains one or lies inside one, is ``.``/``..``
        or contains the working folder, is a symbolic link, an existing file, or a
        non-empty folder without the marker.
    """
    _check_common(output, inputs, "folder")
    path = Path(output)
    if path.is_symlink():
        raise OutputPathError(f"{output}: is a symbolic link; name the real folder or a new one")
    if path.exists():
        if not path.is_dir():
            raise OutputPathError(
                f"{output}: is an existing file, not a report folder; name a new folder"
            )
        if not is_report_folder(path) and any(path.iterdir()):
            raise OutputPathError(
                f"{output}: is a folder that trends did not write (no {MARKER} file in it), "
                "so it is left alone; name a new folder or remove this one yourself"
            )


# ---------------------------------------------------------------------------------------
# Folders: staging, lock, atomic swap
# ---------------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class StagedFolder:
    """Build a folder beside ``out`` and swap it into place only when complete.

    Use as ``stage = StagedFolder(out)``, write into ``stage.path``, then
    ``stage.commit()``; ``stage.close()`` (always, e.g. in ``finally``) removes what is
    left and releases the lock. Also a context manager that commits on success.

    - A lock file ``.NAME.lock`` beside ``out`` (``fcntl.flock``, released by the system
      even when the process is killed; removed when the run ends) lets one run at a time
      write ``out``; a second run fails at once with a message instead of losing one
      run's output.
    - Under the lock, staging folders of killed runs (``.NAME.staging-*``) are removed,
      and a report left only as ``.NAME.previous`` by a run killed between the two
      renames of the fallback swap is put back.
    - :meth:`commit` writes the :data:`MARKER` file and exchanges the staging folder
      with ``out`` atomically; the old report then sits in the staging folder and is
      removed.

    Raises
    ------
    OutputPathError
        When another run holds the lock.
    OSError
        When the folder cannot be created.
    """

    def __init__(self, out: str | os.PathLike):
        self.out = Path(out)
        self.parent = self.out.parent
        self.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd: int | None = None
        self._lock_path: Path | None = None
        self._lock()
        self.committed = False
        try:
            self._recover()
            self._clean_stale()
            self.path = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}{_STAGING}", dir=self.parent)
            )
            os.chmod(self.path, 0o755)
        except BaseException:
            self._unlock()
            raise

    # -- lock -------------------------------------------------------------------------
    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): staging and swap still protect the old report
            return
        lock = self.parent / f".{self.out.name}.lock"
        for _ in range(10):
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                # The holder before us removes the file when done: lock the file that is
                # still there, or try again.
                same = os.fstat(fd).st_ino == os.stat(lock).st_ino
            except BlockingIOError:
                os.close(fd)
                raise OutputPathError(
                    f"{self.out}: another trends report is being written into this folder "
                    f"(lock {lock}); wait for it to finish, or choose another --out"
                ) from None
            except FileNotFoundError:
                same = False
            except BaseException:
                os.close(fd)
                raise
            if same:
                self._lock_fd, self._lock_path = fd, lock
                return
            os.close(fd)
        raise OutputPathError(f"{self.out}: cannot take the lock {lock}; try again")

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            # Remove the file while holding the lock, then release it (closing the file).
            Path(self._lock_path).unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- recovery -----------------------------------------------------------------------
    def _previous(self) -> Path:
        return self.parent / f".{self.out.name}{_PREVIOUS}"

    def _recover(self) -> None:
        prev = self._previous()
        if prev.is_dir() and is_report_folder(prev):
            if not self.out.exists() and not self.out.is_symlink():
                os.rename(prev, self.out)  # a fallback swap was cut between its renames
            else:
                shutil.rmtree(prev)

    def _clean_stale(self) -> None:
        # Under the lock no other run is staging into this folder: these are leftovers.
        for p in self.parent.glob(f".{self.out.name}{_STAGING}*"):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)

    # -- commit -------------------------------------------------------------------------
    def commit(self) -> None:
        """Mark the staged folder complete and swap it into place."""
        atomic_write_text(self.path / MARKER, _MARKER_TEXT)
        if not self.out.exists():
            os.rename(self.path, self.out)
        elif _exchange(self.path, self.out):
            pass  # self.path now holds the old report; close() removes it
        else:
            prev = self._previous()
            os.rename(self.out, prev)
            os.rename(self.path, self.out)
            shutil.rmtree(prev, ignore_errors=True)
        self.committed = True

    def close(self) -> None:
        """Remove the staging folder (or the old report after a swap); release the lock."""
        try:
            if self.path.exists() and not self.path.is_symlink():
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._unlock()

    def __enter__(self) -> StagedFolder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()
