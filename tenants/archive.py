"""The agency archive (기관 백업 파일): one tar.gz holding ``manifest.json`` first, then each
table's rows as PostgreSQL COPY text (``data/<table>.copy``), then the agency's uploaded files
(``media/<path under MEDIA_ROOT/<schema>>``).

Why COPY text per table rather than ``pg_dump --format=custom``: COPY's text format reads back
into any PostgreSQL version and needs no client binaries (a ``DATABASE_URL`` server's version
need not match any pg_dump on the app servers); the rows load into a schema of any name (a
pg_dump archive restores only under the schema name it was taken from); and the schema itself
is rebuilt by the project's own provisioning (template clone or migrations), so a restored
agency's tables, triggers and indexes are exactly what Harmony's code expects.

This module knows the file format only; tenants/backups.py reads and writes the database.
"""

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORMAT = "harmony-agency-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA, MEDIA = "data/", "media/"
CHUNK = 1 << 16
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(target: Path, *, manifest: dict, data_dir: Path, media_dir: Path | None) -> None:
    """Write the archive to ``target`` (through a temporary name, so a half-written archive
    never carries the final name): manifest first, so a listing reads it cheaply."""
    partial = target.with_name(target.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(body), 0o600
            archive.addfile(info, io.BytesIO(body))
            for table in manifest["tables"]:
                archive.add(data_dir / f"{table}.copy", arcname=f"{DATA}{table}.copy",
                            recursive=False)
            for relative in manifest["media"]["files"]:
                archive.add(media_dir / relative, arcname=f"{MEDIA}{relative}", recursive=False)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Each regular file under ``root`` as (relative POSIX path, path); links are skipped,
    since an upload is never one and following one could leave the agency's folder."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def read_manifest(source: Path) -> dict:
    """Return the manifest of an archive without reading the rest (it is the first member)."""
    try:
        with tarfile.open(source, "r|gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _damaged()
            return _parse_manifest(archive.extractfile(first))
    except (OSError, tarfile.TarError, EOFError) as error:
        raise _damaged() from error


def _parse_manifest(handle: IO[bytes] | None) -> dict:
    try:
        manifest = json.loads(handle.read()) if handle is not None else None
    except (ValueError, UnicodeDecodeError) as error:
        raise _damaged() from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged()
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(_("이 백업 파일의 형식(판 %(version)s)은 이 서버에서 읽을 수 "
                                "없습니다.") % {"version": manifest.get("format_version")})
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not all(_TABLE_NAME.match(t) for t in tables):
        raise _damaged()
    for relative in manifest.get("media", {}).get("files", {}):
        _check_relative(relative)
    return manifest


def _check_relative(relative: str) -> None:
    """Refuse a media path that could land outside the agency's folder."""
    path = PurePosixPath(relative)
    if (not relative or path.is_absolute() or "\\" in relative or "\x00" in relative
            or any(part in ("", ".", "..") for part in relative.split("/"))):
        raise _damaged()


def _damaged() -> ValidationError:
    return ValidationError(_("백업 파일이 손상되었거나 하모니 기관 백업이 아닙니다."))


@dataclass
class Reader:
    """An open archive whose every member was checked against its manifest: only the
    manifest, the listed tables and the listed media files, each a regular file."""

    archive: tarfile.TarFile
    manifest: dict
    members: dict[str, tarfile.TarInfo]

    def data(self, table: str) -> IO[bytes]:
        """The table's COPY text; reading it to the end checks its checksum."""
        member = self.members[f"{DATA}{table}.copy"]
        return _Checked(self.archive.extractfile(member),
                        self.manifest["tables"][table]["sha256"])

    def extract_media(self, target: Path) -> None:
        """Write every media file under ``target``, checking each one's size and checksum."""
        for relative, facts in self.manifest["media"]["files"].items():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = _Checked(self.archive.extractfile(self.members[f"{MEDIA}{relative}"]),
                              facts["sha256"])
            with destination.open("wb") as handle:
                while chunk := source.read(CHUNK):
                    handle.write(chunk)
            source.close()

    def close(self) -> None:
        self.archive.close()


def open_archive(source: Path) -> Reader:
    """Open an archive for restoring, refusing anything but what its manifest lists."""
    try:
        archive = tarfile.open(source, "r:gz")
        members = {member.name: member for member in archive.getmembers()}
        manifest_member = members.get(MANIFEST)
        if manifest_member is None or not manifest_member.isfile():
            raise _damaged()
        manifest = _parse_manifest(archive.extractfile(manifest_member))
    except (OSError, tarfile.TarError, EOFError) as error:
        raise _damaged() from error
    expected = {MANIFEST, *(f"{DATA}{table}.copy" for table in manifest["tables"]),
                *(f"{MEDIA}{relative}" for relative in manifest["media"]["files"])}
    if set(members) != expected or not all(member.isfile() for member in members.values()):
        archive.close()
        raise _damaged()
    return Reader(archive, manifest, members)


class _Checked(io.RawIOBase):
    """A member's bytes, with its sha256 compared to the manifest's once fully read."""

    def __init__(self, handle: IO[bytes] | None, expected: str):
        if handle is None:
            raise _damaged()
        self._handle, self._expected = handle, expected
        self._digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self._digest.update(chunk)
        finished = not chunk or size is None or size < 0
        if finished and self._digest.hexdigest() != self._expected:
            raise _damaged()
        return chunk
