"""`sqlrl data pull NAME`: fetch a benchmark dataset, check it, and install it in one rename.

Steps for each part of a dataset (see `sqlrl.data.manifest`):

1. the archive: `--from` a file the user downloaded, else a resumable download (`--url` for a
   mirror) into `<data root>/.downloads/`;
2. its SHA-256 against the manifest's, when the manifest has one (`--no-verify` accepts a
   re-packed mirror); without one, the archive's own SHA-256 is printed so it can be recorded;
3. extraction into a temporary folder inside the data root (same file system), nested
   archives unpacked, the expected paths checked, files renamed into our layout;
4. one `os.rename` onto `<data root>/<name>[/<part folder>]` (with `force`, the old folder is
   first renamed aside, then deleted).

So a dataset folder is either complete or absent: a corrupt archive, a wrong layout or a full
disk leave nothing behind but the temporary folder, which is removed. A part that is already
installed is left alone unless `force`.
"""

from __future__ import annotations

import datetime
import difflib
import errno
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from sqlrl.data.download import CHUNK, download, progress_bar
from sqlrl.data.manifest import SOURCES, Part, Source
from sqlrl.errors import UserError
from sqlrl.paths import data_root

JUNK = {"__MACOSX", ".DS_Store"}  # left in archives by macOS zip tools; never part of a layout
VAL_EVERY = 20  # sql_create_context: 1 in 20 contexts go to `val`


def marker_name(part: Part) -> str:
    """The file a finished install leaves in the part's folder; its presence means "installed"."""
    return f".sqlrl-{part.name}.json"


def target_dir(root: Path, source: Source, part: Part) -> Path:
    return root / source.name / part.target if part.target else root / source.name


def is_installed(root: Path, source: Source, part: Part) -> bool:
    """A part is installed when its folder holds our marker; a replaced-by-hand folder counts too."""
    target = target_dir(root, source, part)
    return (target / marker_name(part)).is_file() or (not part.merge and target.is_dir())


def get_source(name: str) -> Source:
    """The manifest entry for `name`, or a UserError naming the known datasets and close names."""
    if name in SOURCES:
        return SOURCES[name]
    if name == "demo":
        raise UserError("the demo dataset ships with sqlrl (src/sqlrl/data/demo); there is nothing to pull.")
    close = difflib.get_close_matches(name, list(SOURCES), n=3, cutoff=0.5)
    raise UserError(f"unknown dataset {name!r}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
                    + f"; `sqlrl data pull` knows: {', '.join(SOURCES)}.")


def select_parts(source: Source, parts: Iterable[str] = ()) -> list[Part]:
    """The parts to install, in manifest order: those named, else the default ones."""
    names = list(dict.fromkeys(parts))
    known = [p.name for p in source.parts]
    for n in names:
        if n not in known:
            raise UserError(f"{source.name} has parts {', '.join(known)}, not {n!r}.")
    return [p for p in source.parts if (p.name in names if names else p.default)]


def manual_steps(source: Source, part: Part) -> str:
    """How to get the file by hand: what to download, from where, and the command to install it."""
    page = part.manual or part.url
    flag = "" if [p for p in source.parts if p.default] == [part] else f" --part {part.name}"
    return (f"To install it by hand, download {part.filename} ({part.approx_size or 'size not published'}) "
            f"from {page} on a machine with internet access, copy it here, and run "
            f"`sqlrl data pull {source.name}{flag} --from {part.filename}`.")


def pull(name: str, parts: Iterable[str] = (), *, url: str | None = None, archive: str | Path | None = None,
         verify: bool = True, force: bool = False, progress: bool = True, root: Path | None = None,
         say: Callable[[str], None] = print) -> Path:
    """Install dataset `name` (its default parts, or `parts`) under the data root; returns its folder.

    `url` (a mirror) or `archive` (a file downloaded by hand) replace the manifest's address;
    they stand for one part, so with several parts name the one with `parts`.
    """
    source = get_source(name)
    chosen = select_parts(source, parts)
    if (url or archive) and len(chosen) != 1:
        raise UserError(f"--url and --from give one file, but {len(chosen)} parts of {name} are selected "
                        f"({', '.join(p.name for p in chosen)}): choose one with --part.")
    root = _writable_root(root or data_root())
    for part in chosen:
        if part.merge and not is_installed(root, source, source.parts[0]):
            if url or archive:
                raise UserError(f"the {part.name} part of {name} goes into an installed {name}: run "
                                f"`sqlrl data pull {name}` first, then this command.")
            pull(name, (source.parts[0].name,), verify=verify, progress=progress, root=root, say=say)
        target = target_dir(root, source, part)
        if is_installed(root, source, part) and not force:
            say(f"{name} ({part.name}) is already installed at {target}; nothing to do (--force reinstalls).")
            continue
        _install_part(source, part, root, url=url, archive=archive, verify=verify, progress=progress, say=say)
    return root / source.name


def _writable_root(root: Path) -> Path:
    root = Path(root).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create the data root {root} ({e.strerror or e}). Point SQLRL_DATA_DIR at a "
                        "folder you can write to.") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise UserError(f"the data root {root} is not writable. Point SQLRL_DATA_DIR at a folder you can write "
                        "to, or fix its permissions.")
    return root


def _install_part(source: Source, part: Part, root: Path, *, url, archive, verify, progress, say) -> None:
    hint = manual_steps(source, part)
    downloaded = archive is None
    if archive is not None:
        file = Path(archive).expanduser()
        if not file.is_file():
            raise UserError(f"--from {archive}: no such file.")
    elif part.hub and not url:
        file = None  # through `datasets`, below
    else:
        say(f"downloading {source.name} ({part.name}) from {url or part.url}"
            + (f" ({part.approx_size})" if part.approx_size and not url else ""))
        file = download(url or part.url, root / ".downloads" / f"{source.name}-{part.filename}",
                        hint=hint, progress=progress)
    digest = _check_sha256(file, part, verify, downloaded, say) if file is not None else None
    target, staging = target_dir(root, source, part), None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".pull-{source.name}-", dir=root))
        if part.hub:
            rows = _hub_rows(part, hint) if file is None else _json_rows(file)
            content = staging / "content"
            write_create_context(rows, content, file or part.hub)
        else:
            content = _unpack(file, staging / "x", part, progress, downloaded)
        record = {"dataset": source.name, "part": part.name,
                  "from": str(file) if not downloaded else (url or part.hub or part.url),
                  "sha256": digest, "sha256_checked": bool(part.sha256 and verify),
                  "installed": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        new = _merge_into(target, content, staging / "merged", say) if part.merge else content
        (new / marker_name(part)).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        _swap(new, target, staging)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise UserError(f"the disk is full: installing {source.name} ({part.name}) into {root} stopped while "
                            "writing files. Nothing was installed; free some space and run the command again"
                            + (" (the downloaded archive is kept)." if downloaded and file else ".")) from None
        raise UserError(f"cannot install {source.name} ({part.name}) into {root}: {e.strerror or e}"
                        f"{' (' + e.filename + ')' if getattr(e, 'filename', None) else ''}. Nothing was "
                        "installed.") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if downloaded and file is not None:
        _discard(file)  # installed: the archive is only a second copy
    say(f"installed {source.name} ({part.name}) at {target} (license: {source.license})"
        + (f"; archive sha256 {digest} (the source publishes none, so it was not checked)"
           if digest and not part.sha256 else ""))


def _discard(file: Path) -> None:
    """Remove a downloaded archive, and `.downloads` with it when nothing else is in there."""
    file.unlink(missing_ok=True)
    try:
        file.parent.rmdir()
    except OSError:
        pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _check_sha256(file: Path, part: Part, verify: bool, downloaded: bool, say) -> str:
    digest = sha256_file(file)
    if part.sha256 and digest != part.sha256.lower():
        if verify:
            if downloaded:
                _discard(file)
            raise UserError(f"{file}: SHA-256 {digest} does not match the manifest's {part.sha256}"
                            + (" (the file was removed)" if downloaded else "")
                            + ". The download is damaged or the archive is not the official one; nothing was "
                            "installed. For a re-packed mirror you trust, add --no-verify (the layout is still "
                            "checked).")
        say(f"warning: {file.name}: SHA-256 {digest} differs from the manifest's; accepted (--no-verify).")
    return digest


# ----- archives -------------------------------------------------------------------------------

def _unpack(file: Path, dest: Path, part: Part, progress: bool, downloaded: bool) -> Path:
    """Extract `file` into `dest`, unpack nested archives, check the layout, rename; returns the content root."""
    try:
        extract_archive(file, dest, progress)
        content = content_root(dest, part.require)
        for inner in part.unpack:
            if (content / inner).is_file() and not (content / Path(inner).stem).exists():
                extract_archive(content / inner, content, progress)
                (content / inner).unlink()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, NotImplementedError, ValueError) as e:
        if downloaded:
            _discard(file)
        raise UserError(f"{file} is corrupt or truncated ({e}); nothing was installed. "
                        + ("It was removed: run the command again to download it afresh."
                           if downloaded else "Download it again and retry with --from.")) from None
    missing = [r for r in part.require if not _exists(content, r)]
    if missing:
        where = content.relative_to(dest).as_posix() if content != dest else "its top level"
        found = sorted(p.name + ("/" if p.is_dir() else "") for p in content.iterdir())[:12]
        raise UserError(f"{file} does not have the layout of {part.filename}: missing {', '.join(missing)} "
                        f"(looked in {where}; found {', '.join(found) or 'nothing'}). Nothing was installed; "
                        "check that it is the right archive.")
    for old, new in part.rename:
        if (content / old).exists():
            os.rename(content / old, content / new)
    return content


def extract_archive(file: Path, dest: Path, progress: bool = False) -> None:
    """Extract a zip or tar archive into `dest`, refusing paths that leave it and skipping links and junk."""
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(file):
        with zipfile.ZipFile(file) as zf:
            members = [(i, _safe(i.filename, file)) for i in zf.infolist()]
            total = sum(i.file_size for i, rel in members if rel and not i.is_dir())
            with progress_bar(f"unpacking {file.name}", total, progress) as advance:
                for info, rel in members:
                    if rel is None:
                        continue
                    if info.is_dir():
                        (dest / rel).mkdir(parents=True, exist_ok=True)
                        continue
                    with zf.open(info) as src:
                        _write(src, dest / rel)
                    advance(info.file_size)
        return
    if tarfile.is_tarfile(file):
        with tarfile.open(file) as tf:
            for m in tf:
                rel = _safe(m.name, file)
                if rel is None or not (m.isfile() or m.isdir()):
                    continue
                if m.isdir():
                    (dest / rel).mkdir(parents=True, exist_ok=True)
                    continue
                with tf.extractfile(m) as src:
                    _write(src, dest / rel)
        return
    raise zipfile.BadZipFile("neither a zip nor a tar archive")


def _write(src, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        shutil.copyfileobj(src, f, CHUNK)


def _safe(name: str, file: Path) -> PurePosixPath | None:
    """The member's relative path; None for junk; a UserError for one that would land outside."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and p.parts[0].endswith(":")):
        raise UserError(f"{file} holds an unsafe path {name!r} (absolute or with '..'); refusing to unpack it.")
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts or any(x in JUNK or x.startswith("._") for x in parts):
        return None
    return PurePosixPath(*parts)


def content_root(dest: Path, require: tuple[str, ...]) -> Path:
    """Go down through single top folders (`spider_data/`, `minidev/MINIDEV/`) until the layout is there."""
    here = dest
    while not all(_exists(here, r) for r in require):
        entries = [p for p in here.iterdir() if p.name not in JUNK]
        dirs = [p for p in entries if p.is_dir()]
        if len(dirs) != 1 or len(entries) != 1:
            break
        here = dirs[0]
    return here


def _exists(base: Path, pattern: str) -> bool:
    """`pattern` (`a|b` alternatives, `*` within a level) matches something under `base`."""
    return any(next(base.glob(alt), None) is not None if "*" in alt else (base / alt).exists()
               for alt in pattern.split("|"))


def _merge_into(target: Path, content: Path, merged: Path, say) -> Path:
    """A copy of `target` (hard links, no extra space) with the files of `content` added, per db folder.

    Used for Spider's test suites: `database/<db>/` gains the suite's `<db>*.sqlite` files (a
    file of the same name from an earlier install is replaced, so --force refreshes them);
    Spider's own `<db>.sqlite` is kept, and suites of databases Spider does not have are left out.
    """
    if not target.is_dir():
        raise UserError(f"{target} does not exist: install the dataset first (`sqlrl data pull spider`).")
    shutil.copytree(target, merged, copy_function=_link_or_copy)
    added = skipped = 0
    for db in sorted(p for p in content.iterdir() if p.is_dir()):
        if not (merged / db.name).is_dir():
            skipped += 1
            continue
        for f in sorted(db.iterdir()):
            if f.is_file() and f.name != f"{db.name}.sqlite":
                os.replace(f, merged / db.name / f.name)  # replaces a hard link, never the original file
                added += 1
    say(f"test suite: {added} databases added"
        + (f"; {skipped} folders for databases not in {target} left out" if skipped else ""))
    return merged


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _swap(new: Path, target: Path, staging: Path) -> None:
    """Put `new` at `target` with a rename; an existing target (--force) is moved aside first."""
    created_parent = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if target.exists() or target.is_symlink():
            old = staging / "old"
            os.rename(target, old)
            try:
                os.rename(new, target)
            except OSError:
                os.rename(old, target)
                raise
        else:
            os.rename(new, target)
    except OSError:
        if created_parent:
            shutil.rmtree(target.parent, ignore_errors=True)
        raise


# ----- sql-create-context -------------------------------------------------------------------------

def _hub_rows(part: Part, hint: str) -> list[dict]:
    """The hub dataset's single `train` split, through `datasets` (which caches it)."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    if offline:
        raise UserError(f"HF_HUB_OFFLINE is set, so the Hugging Face hub dataset {part.hub} cannot be fetched. "
                        f"Unset it on a machine with internet access, or: {hint}")
    try:
        from datasets import load_dataset as hub_load

        return list(hub_load(part.hub, split="train"))
    except Exception as e:  # any hub failure (offline, DNS, gated, changed layout) gets the manual route
        raise UserError(f"cannot fetch the Hugging Face dataset {part.hub} ({type(e).__name__}: "
                        f"{str(e)[:200]}). {hint}") from None


def _json_rows(file: Path) -> list[dict]:
    """Items of a JSON list or a JSONL file (sql_create_context_v4.json is a list)."""
    text = file.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise UserError(f"{file} is neither a JSON list nor JSONL (line {e.lineno}: {e.msg}); it should be "
                            "sql_create_context_v4.json from the hub dataset b-mc2/sql-create-context.") from None
    if not isinstance(data, list):
        raise UserError(f"{file} holds a JSON {type(data).__name__}, not a list of items.")
    return data


def split_create_context(rows: Iterable[dict], source: object = "sql-create-context") -> tuple[list, list]:
    """(train, val) items `{question, context, answer}` in their original order.

    The hub dataset has one split; `val` takes the items whose `context` (the CREATE TABLE
    text) has a SHA-256 divisible by 20, about 5 %. The split depends on the text only, not
    on item order, and one schema text never appears in both splits.
    """
    train, val = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise UserError(f"{source}: item {i} is a {type(row).__name__}, not an object.")
        missing = [k for k in ("question", "context", "answer") if not isinstance(row.get(k), str)]
        if missing:
            raise UserError(f"{source}: item {i} has no text field {', '.join(map(repr, missing))}; expected "
                            "question, context and answer as in b-mc2/sql-create-context.")
        item = {"question": row["question"], "context": row["context"], "answer": row["answer"]}
        digest = int(hashlib.sha256(row["context"].encode("utf-8")).hexdigest(), 16)
        (val if digest % VAL_EVERY == 0 else train).append(item)
    return train, val


def write_create_context(rows: Iterable[dict], folder: Path, source: object) -> None:
    """Write `train.json` and `val.json` (one item a line, so errors name a useful line)."""
    train, val = split_create_context(rows, source)
    if not train:
        raise UserError(f"{source}: no items; expected the 78,577 items of b-mc2/sql-create-context.")
    folder.mkdir(parents=True, exist_ok=True)
    for split, items in (("train", train), ("val", val)):
        body = ",\n".join(json.dumps(x, ensure_ascii=False) for x in items)
        (folder / f"{split}.json").write_text(f"[\n{body}\n]\n" if items else "[]\n", encoding="utf-8")
