"""Files written beside a database (its copies, snapshots, exports, saved mappings), each no more open than the
database from the moment it exists.

A file this module makes is created with the database's mode (O_EXCL, never through a symbolic link) before a byte
goes in; a file DuckDB makes itself (its write-ahead log, the folder it spills to) is created while the process's
umask is narrowed to that mode. A database not yet made gets NEW_DATABASE_MODE: only its owner reads it, since it
names confidential partners; `chmod` it once to share it (with a group, say) and every file written for it follows.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import os
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

NEW_DATABASE_MODE = 0o600
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


class Unsafe(ValueError):
    """A place the store will not write to (a symbolic link, a file where a folder should be), with why."""


def mode_of(db: Path | str) -> int:
    """The permission bits of the files written for this database: its own, or NEW_DATABASE_MODE before it exists."""
    try:
        return stat.S_IMODE(os.stat(db).st_mode) & 0o777
    except FileNotFoundError:
        return NEW_DATABASE_MODE


def folder_mode(mode: int) -> int:
    """A folder's mode for files of this mode: whoever may read the files may also open the folder."""
    return mode | (mode & 0o444) >> 2


def make_folder(path: Path, mode: int) -> None:
    """Makes the folder and any missing parent with folder_mode(mode); a folder that exists is left as it is."""
    missing = []
    for folder in (path, *path.parents):
        if os.path.lexists(folder):
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue  # another writer made it meanwhile
        os.chmod(folder, folder_mode(mode), follow_symlinks=False)  # mkdir's mode passed through the umask
    if not path.is_dir():
        raise Unsafe(f"{path} is not a folder")


def create(path: Path | str, mode: int, *, dir_fd: int | None = None) -> int:
    """A new file open for writing (an error if anything, a link included, is already there), with this mode."""
    fd = os.open(path, _CREATE, mode & 0o666, dir_fd=dir_fd)
    os.fchmod(fd, mode)  # the umask may have narrowed it: exactly the database's, never more open
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy_bytes(src: int, dst: int) -> None:
    """Copies the open file src into dst, in the kernel where it can (as shutil.copyfile does)."""
    copied = 0
    with contextlib.suppress(OSError):  # a file system or kernel without copy_file_range: read and write below
        while sent := os.copy_file_range(src, dst, _CHUNK * 64, copied, copied):
            copied += sent
        return
    os.lseek(src, copied, os.SEEK_SET)
    os.lseek(dst, copied, os.SEEK_SET)
    while chunk := os.read(src, _CHUNK):
        _write_all(dst, chunk)


def copy(source: Path, target: Path, mode: int) -> None:
    """Copies source to a new file target, which has this mode before any byte is copied."""
    fd = create(target, mode)
    try:
        with open(source, "rb") as src:
            _copy_bytes(src.fileno(), fd)
    except BaseException:
        os.close(fd)
        os.unlink(target)
        raise
    os.close(fd)


def write_into(folder: Path, contents: dict[str, bytes], mode: int) -> list[Path]:
    """Writes each named file into the folder (made if needed), each whole: a new file of this mode renamed over
    the old, so that no link is ever written through. Unsafe, before anything is written, when the folder is a
    link or not a folder, or when a file's name holds a link or a folder."""
    if os.path.islink(folder):
        raise Unsafe(
            f"{folder} is a symbolic link (to {os.readlink(folder)}); give the folder itself, so that the files "
            "land where you can see them"
        )
    if os.path.lexists(folder) and not folder.is_dir():
        raise Unsafe(f"{folder} exists and is not a folder; give a folder (it is made if it does not exist)")
    make_folder(folder, mode)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        for name in contents:
            try:
                found = os.lstat(name, dir_fd=dir_fd)
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(found.st_mode):
                raise Unsafe(
                    f"{folder / name} is a symbolic link; nothing is written through one: remove it, or give "
                    "another folder"
                )
            if not stat.S_ISREG(found.st_mode):
                raise Unsafe(f"{folder / name} exists and is not a file; remove it, or give another folder")
        written = []
        for name, data in contents.items():
            tmp = f".{name}.{uuid.uuid4().hex}.tmp"
            fd = create(tmp, mode, dir_fd=dir_fd)
            try:
                _write_all(fd, data)
                os.fsync(fd)
                os.close(fd)
                # A rename replaces whatever the name holds now (a link planted since the check included) and never
                # follows it.
                os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(tmp, dir_fd=dir_fd)
                raise
            written.append(folder / name)
        return written
    finally:
        os.close(dir_fd)


_UMASK_LOCK = threading.Lock()
_narrowings: list[int] = []
_base_umask: int | None = None


def _current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it (another thread may be creating a file)."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        with open("/proc/self/status", encoding="ascii") as fh:
            return int(next(line for line in fh if line.startswith("Umask:")).split()[1], 8)
    old = os.umask(0o777)  # the most closed for the instant it is read
    os.umask(old)
    return old


@contextlib.contextmanager
def narrowed(mode: int) -> Iterator[None]:
    """Holds the process's umask so that a file made meanwhile (by DuckDB, say) is no more open than mode, and a
    folder no more than folder_mode(mode).

    The umask is the whole process's: other threads (Streamlit's) create their files no more open than this
    meanwhile, which only ever narrows them; concurrent narrowings add up and the last one out restores the umask.
    """
    global _base_umask
    mask = 0o777 & ~folder_mode(mode)
    with _UMASK_LOCK:
        if not _narrowings:
            _base_umask = _current_umask()
        _narrowings.append(mask)
        os.umask(functools.reduce(operator.or_, _narrowings, _base_umask))
    try:
        yield
    finally:
        with _UMASK_LOCK:
            _narrowings.remove(mask)
            os.umask(functools.reduce(operator.or_, _narrowings, _base_umask))
