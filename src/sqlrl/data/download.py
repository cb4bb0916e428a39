"""Streaming HTTP download that survives a dropped connection.

Bytes go to `<dest>.part`; a later attempt (the automatic retries here, or the next run of the
command) asks for the rest with an HTTP Range request, so a 1 GB archive is never fetched twice.
A server that ignores Range (answers 200) is simply read again from the start. Only when all
bytes have arrived is the file renamed to `dest`. Every failure is a `UserError` ending with
`hint`, which the caller uses to say how to get the file by hand.
"""

from __future__ import annotations

import errno
import http.client
import os
import re
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlrl.errors import UserError

CHUNK = 1 << 20


class _Interrupted(Exception):
    """The transfer stopped early; what arrived is kept in the .part file."""


@contextmanager
def progress_bar(label: str, total: int | None, enabled: bool = True, done: int = 0):
    """A rich progress bar on stderr (bytes, speed, time left); yields `advance(n)`."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total, completed=done)
        yield lambda n: bar.advance(task, n)


def download(url: str, dest: Path, *, hint: str = "", attempts: int = 3, timeout: float = 60.0,
             progress: bool = True) -> Path:
    """Fetch `url` into `dest`, resuming `<dest>.part` if an earlier attempt left one."""
    part = dest.with_name(dest.name + ".part")
    last = ""
    for _ in range(attempts):
        try:
            _fetch(url, part, timeout, progress, hint)
            break
        except _Interrupted as e:
            last = str(e)
    else:
        have = part.stat().st_size if part.exists() else 0
        raise UserError(f"the download of {url} was interrupted {attempts} times (last: {last}). The {have:,} "
                        f"bytes received are kept in {part}: run the same command again to resume. {hint}")
    os.replace(part, dest)
    return dest


def _fetch(url: str, part: Path, timeout: float, progress: bool, hint: str) -> None:
    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": "sqlrl-data-pull"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        resp = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # the .part is not a prefix the server recognises: start again
            part.unlink()
            raise _Interrupted("the server refused to resume (HTTP 416); starting over") from None
        raise UserError(f"{url} answered HTTP {e.code} ({e.reason}). {hint}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        reason = getattr(e, "reason", e)
        raise UserError(f"cannot reach {url} ({reason}): the host is unreachable or this machine is offline. "
                        f"{hint}") from None
    with resp:
        if resp.headers.get_content_type() == "text/html":
            raise UserError(f"{url} sent a web page, not the file (Google Drive does this when a file's daily "
                            f"download quota is used up or it asks for a sign-in). {hint}")
        length = resp.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        if resp.status == 206:
            m = re.match(r"bytes (\d+)-\d+/(\d+|\*)", resp.headers.get("Content-Range", ""))
            if not m or int(m.group(1)) != have:
                part.unlink()
                raise _Interrupted("the server resumed at another offset; starting over")
            total = int(m.group(2)) if m.group(2) != "*" else (have + length if length is not None else None)
            mode = "ab"
        else:  # 200: the whole file (a server that ignores Range, or a fresh start)
            have, total, mode = 0, length, "wb"
        try:
            part.parent.mkdir(parents=True, exist_ok=True)
            with open(part, mode) as f, progress_bar(part.name[:-5], total, progress, have) as advance:
                while True:
                    try:
                        chunk = resp.read(CHUNK)
                    except (http.client.IncompleteRead, ConnectionError, TimeoutError) as e:
                        raise _Interrupted(f"connection lost: {e!r}") from None
                    if not chunk:
                        break
                    f.write(chunk)
                    advance(len(chunk))
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise UserError(f"the disk is full: {part} could not be written while downloading {url}. Free "
                                "some space, then run the same command again: the download resumes.") from None
            raise UserError(f"cannot write {part} ({e.strerror or e}): check that the data root is writable "
                            "(SQLRL_DATA_DIR).") from None
    size = part.stat().st_size
    if total is not None and size != total:
        if size > total:
            part.unlink()
        raise _Interrupted(f"connection closed after {size:,} of {total:,} bytes")
