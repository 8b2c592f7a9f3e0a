"""Downloads a source's files, checks them before trusting them, and keeps them as published.

Every file goes through the same path whether it comes from the network or a mirror
directory: checked (status, type, size, whole compression, expected columns), then
stored under its sha256 with a manifest row. Reading never downloads again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import email.utils
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from canus import __version__
from canus.errors import CanusError, FetchError
from canus.settings import Settings, get_settings
from canus.sources.base import RemoteFile, Snapshot, Source

if TYPE_CHECKING:
    import httpx

Progress = Callable[[str, int, int | None], None]
"""Called with (source id, bytes so far, total bytes if known)."""

USER_AGENT = f"canus/{__version__} (+https://github.com/canus-project/canus)"
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
_CHUNK = 1 << 20


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class SnapshotStore:
    """Raw files named by sha256 under ``raw/``, with an append-only JSON-lines manifest."""

    def __init__(self, raw_dir: Path) -> None:
        self.dir = raw_dir
        self.manifest_path = raw_dir / "manifest.jsonl"

    def path_for(self, sha256: str, name: str) -> Path:
        return self.dir / sha256[:2] / f"{sha256}{_suffix(name)}"

    def manifest(self) -> list[dict[str, object]]:
        if not self.manifest_path.exists():
            return []
        rows = []
        with self.manifest_path.open(encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    with contextlib.suppress(json.JSONDecodeError):
                        rows.append(json.loads(line))
        return rows

    def latest(self, source_id: str, name: str) -> dict[str, object] | None:
        found = None
        for row in self.manifest():
            if row.get("source_id") == source_id and row.get("name") == name:
                found = row
        return found

    def add(self, tmp: Path, snap: Snapshot) -> Snapshot:
        dest = self.path_for(snap.sha256, snap.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, dest)
        snap = Snapshot(**{**asdict(snap), "path": dest})
        row = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(snap).items()}
        with self.manifest_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return snap


def _suffix(name: str) -> str:
    lower = name.lower()
    for ext in (".csv.gz", ".json.gz", ".zip", ".csv", ".json", ".gz", ".kmz", ".txt"):
        if lower.endswith(ext):
            return ext
    return ""


# ---------------------------------------------------------------------------- checks


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml"))


@contextlib.contextmanager
def _open_text(path: Path, rf: RemoteFile) -> Iterator[io.TextIOBase]:
    if path.name.endswith(".gz"):
        raw: io.BufferedIOBase = gzip.open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
    else:
        raw = path.open("rb")
    try:
        yield io.TextIOWrapper(raw, encoding=rf.encoding, errors="replace", newline="")
    finally:
        raw.close()


def _check_gzip_whole(path: Path) -> None:
    """Decompress the whole stream: a truncated download fails here, not halfway through a load."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            d.decompress(chunk, 0)
            while d.unconsumed_tail:
                d.decompress(d.unconsumed_tail, 0)
            if d.eof and d.unused_data:
                # Concatenated gzip members are legal; start on the next one.
                rest = d.unused_data
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                d.decompress(rest, 0)
    if not d.eof:
        raise ValueError("the gzip stream ends before its end marker (truncated download)")


def check_file(path: Path, rf: RemoteFile, source_id: str, url: str) -> None:
    """Raise ``FetchError`` naming source, address and problem if the file is not usable."""

    def fail(problem: str, **fields: object) -> FetchError:
        detail: object = CanusError(problem, **fields) if fields else problem
        return FetchError(
            "{source}: {url}: {problem}", source=source_id, url=url, problem=detail
        )

    size = path.stat().st_size
    if size == 0:
        raise fail("the response is empty")
    with path.open("rb") as f:
        head = f.read(2048)
    if _looks_like_html(head):
        raise fail("the server sent an HTML page instead of the data file")
    if path.name.endswith(".gz") or head[:2] == b"\x1f\x8b":
        if not path.name.endswith(".gz"):
            raise fail("the file is gzip-compressed but was not named so")
        try:
            if rf.verify_whole:
                _check_gzip_whole(path)
            with gzip.open(path, "rb") as g:
                inner = g.read(2048)
        except (zlib.error, ValueError, EOFError, OSError) as e:
            raise fail("the gzip file is damaged or incomplete ({error})", error=e) from e
        if _looks_like_html(inner):
            raise fail("the server sent an HTML page instead of the data file")
    if rf.kind == "zip":
        try:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip() if rf.verify_whole else None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise fail("the zip archive is damaged or incomplete ({error})", error=e) from e
        if bad:
            raise fail("the zip member {member} is damaged", member=bad)
    elif rf.kind == "json":
        try:
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rb") as f:
                json.load(f)
        except (ValueError, OSError) as e:
            raise fail("the response is not valid JSON ({error})", error=e) from e
    elif rf.kind == "csv" and rf.required_columns:
        with _open_text(path, rf) as text:
            for _ in range(rf.skip_lines):
                text.readline()
            header_line = text.readline()
        header = next(csv.reader([header_line.lstrip("\ufeff")], delimiter=rf.delimiter), [])
        present = {h.strip() for h in header}
        missing = [c for c in rf.required_columns if c not in present]
        if missing:
            raise fail("expected columns are missing: {missing} (found: {found})",
                       missing=", ".join(missing), found=", ".join(h.strip() for h in header[:12]))
    if rf.check is not None:
        try:
            rf.check(path)
        except ValueError as e:
            raise fail(str(e)) from e
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            # A reader's own check tripping over damaged bytes is as telling as a failed one.
            what = "the zip archive is damaged" if rf.kind == "zip" else "the file is damaged"
            raise fail(what + " ({error})", error=e) from e


# ---------------------------------------------------------------------------- transport


def _retry_after(resp: httpx.Response, default: float) -> float:
    value = resp.headers.get("Retry-After")
    if not value:
        return default
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        if when is None:
            return default
        delta = (when - dt.datetime.now(when.tzinfo)).total_seconds()
        return min(MAX_RETRY_AFTER, max(0.0, delta))


def transport_errors() -> tuple[type[BaseException], ...]:
    """Errors of the HTTP layer, for ``except`` clauses in modules that do not import httpx
    (an update served from a mirror or a cache never loads it)."""
    import httpx

    return (httpx.HTTPError, OSError)


def http_client(settings: Settings) -> httpx.Client:
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 15.0)),
        headers={"User-Agent": USER_AGENT},
        # Publishers answer a missing key with a redirect to an HTML page; a redirect is
        # followed, then the HTML check catches it and says so.
        follow_redirects=True,
    )


class LazyClient:
    """An ``httpx.Client`` made on first use: building its TLS context costs about 0.1 s, which
    an update served wholly from a mirror, or with nothing changed, should not pay."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: httpx.Client | None = None

    def __getattr__(self, name: str) -> object:
        if self._client is None:
            self._client = http_client(self._settings)
        return getattr(self._client, name)

    def __enter__(self) -> LazyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()


def request_with_retries(
    client: httpx.Client,
    method: str,
    url: str,
    settings: Settings,
    source_id: str,
    **kwargs: object,
) -> httpx.Response:
    """One request with the house retry policy; for small API calls (bodies read whole)."""
    import httpx

    delay = settings.backoff
    last: object = ""
    for attempt in range(1, settings.retries + 1):
        try:
            resp = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            last = CanusError("no answer within {seconds} s", seconds=f"{settings.timeout:g}")
        except httpx.TransportError as e:
            raise FetchError(
                "{source}: {url}: could not connect ({problem})",
                source=source_id, url=url, problem=str(e) or type(e).__name__,
            ) from e
        else:
            if resp.status_code not in RETRY_STATUS:
                return resp
            last = f"HTTP {resp.status_code}"
            if attempt < settings.retries:
                time.sleep(_retry_after(resp, delay))
                delay *= 2
                continue
            break
        if attempt < settings.retries:
            time.sleep(delay)
            delay *= 2
    raise FetchError(
        "{source}: {url}: gave up after {n} tries (last: {problem})",
        source=source_id, url=url, n=settings.retries, problem=last,
    )


def _download(
    client: httpx.Client,
    source_id: str,
    rf: RemoteFile,
    url: str,
    settings: Settings,
    dest: Path,
    previous: dict[str, object] | None,
    progress: Progress | None,
) -> tuple[str | None, dict[str, str | None]]:
    """Stream ``url`` into ``dest``; return (sha256 or None when not modified, headers)."""
    import httpx

    delay = settings.backoff
    last: object = ""
    headers: dict[str, str] = {}
    if previous and Path(str(previous.get("path", ""))).exists():
        if previous.get("etag"):
            headers["If-None-Match"] = str(previous["etag"])
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = str(previous["last_modified"])
    for attempt in range(1, settings.retries + 1):
        wait = delay
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code == 304:
                    return None, {}
                if resp.status_code in RETRY_STATUS:
                    last = f"HTTP {resp.status_code}"
                    wait = _retry_after(resp, delay)
                    raise _Retry
                if resp.status_code >= 400:
                    raise FetchError(
                        "{source}: {url}: the server answered HTTP {status}",
                        source=source_id, url=url, status=resp.status_code,
                    )
                ctype = resp.headers.get("Content-Type", "").lower()
                if "text/html" in ctype and rf.kind != "json":
                    raise FetchError(
                        "{source}: {url}: {problem}", source=source_id, url=url,
                        problem="the server sent an HTML page instead of the data file",
                    )
                total = resp.headers.get("Content-Length")
                total_n = int(total) if total and total.isdigit() else None
                h = hashlib.sha256()
                done = 0
                keep_gzip = _keep_encoded(resp)
                with dest.open("wb") as out:
                    for chunk in resp.iter_raw(_CHUNK) if keep_gzip else resp.iter_bytes(_CHUNK):
                        out.write(chunk)
                        h.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(source_id, done, total_n)
                if total_n is not None and done < total_n and (keep_gzip or not resp.headers.get("Content-Encoding")):
                    raise FetchError(
                        "{source}: {url}: {problem}", source=source_id, url=url,
                        problem=CanusError("the download stopped at {done} of {total} bytes",
                                           done=done, total=total_n),
                    )
                return h.hexdigest(), {
                    "etag": resp.headers.get("ETag"),
                    "last_modified": resp.headers.get("Last-Modified"),
                    "gzip": "1" if keep_gzip else None,
                }
        except _Retry:
            pass
        except httpx.TimeoutException:
            last = CanusError("no answer within {seconds} s", seconds=f"{settings.timeout:g}")
        except httpx.RemoteProtocolError as e:
            last = CanusError("the connection broke off ({error})", error=e)
        except httpx.TransportError as e:
            raise FetchError(
                "{source}: {url}: could not connect ({problem})",
                source=source_id, url=url, problem=str(e) or type(e).__name__,
            ) from e
        if attempt < settings.retries:
            time.sleep(wait)
            delay *= 2
    raise FetchError(
        "{source}: {url}: gave up after {n} tries (last: {problem})",
        source=source_id, url=url, n=settings.retries, problem=last,
    )


def _keep_encoded(resp: httpx.Response) -> bool:
    # Kept compressed, as it came over the wire: zlib does not notice a truncated gzip stream
    # while decoding on the fly, so the whole-stream check must run on the stored bytes.
    return resp.headers.get("Content-Encoding", "").strip().lower() == "gzip"


class _Retry(Exception):
    pass


def _mirror_file(mirror: Path, source_id: str, name: str) -> Path | None:
    for candidate in (mirror / source_id / name, mirror / source_id / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def fetch_file(
    source: Source,
    rf: RemoteFile,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    settings = settings or get_settings()
    store = SnapshotStore(settings.raw_dir)
    store.dir.mkdir(parents=True, exist_ok=True)
    previous = store.latest(source.id, rf.name)
    url = settings.url_for(source.id, rf.url) if len(source.files) <= 1 else rf.url

    if settings.mirror is not None:
        found = _mirror_file(settings.mirror, source.id, rf.name)
        if found is None:
            raise FetchError(
                "{source}: the mirror {mirror} has no {name} (nor {name}.gz)",
                source=source.id, mirror=settings.mirror / source.id, name=rf.name,
            )
        sha = _sha256_file(found)
        name = rf.name + (".gz" if found.name.endswith(".gz") and not rf.name.endswith(".gz") else "")
        known = store.path_for(sha, name)
        if previous and previous.get("sha256") == sha and known.exists():
            return Snapshot(**{**previous, "path": known})  # type: ignore[arg-type]
        tmp = Path(tempfile.mkstemp(dir=store.dir, suffix=_suffix(name))[1])
        shutil.copyfile(found, tmp)
        try:
            check_file(tmp, rf, source.id, str(found))
        except FetchError:
            tmp.unlink(missing_ok=True)
            raise
        if progress:
            progress(source.id, found.stat().st_size, found.stat().st_size)
        snap = Snapshot(
            source_id=source.id, name=name, url=found.resolve().as_uri(), sha256=sha, path=tmp,
            size=found.stat().st_size, retrieved_at=_now(), origin="mirror",
        )
        return store.add(tmp, snap)

    own_client = client is None
    client = client or http_client(settings)
    fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=_suffix(rf.name))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        sha, meta = _download(client, source.id, rf, url, settings, tmp, previous, progress)
        if sha is None and previous:
            tmp.unlink(missing_ok=True)
            return Snapshot(**{**previous, "path": Path(str(previous["path"]))})  # type: ignore[arg-type]
        assert sha is not None
        name = rf.name
        if meta.get("gzip") and not name.endswith(".gz"):
            name += ".gz"
            gz_tmp = tmp.with_name(tmp.name + ".gz")
            os.replace(tmp, gz_tmp)
            tmp = gz_tmp
        check_file(tmp, rf, source.id, url)
        snap = Snapshot(
            source_id=source.id, name=name, url=url, sha256=sha, path=tmp,
            size=tmp.stat().st_size, retrieved_at=_now(), origin="http",
            etag=meta.get("etag"), last_modified=meta.get("last_modified"),
        )
        return store.add(tmp, snap)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if own_client:
            client.close()


def source_files(source: Source) -> tuple[RemoteFile, ...]:
    return source.resolve_files(source) if source.resolve_files else source.files


def fetch_source(
    source: Source,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> dict[str, Snapshot]:
    settings = settings or get_settings()
    if source.fetch is not None:
        return source.fetch(source, settings=settings, client=client, progress=progress)
    return {
        rf.name: fetch_file(source, rf, settings=settings, client=client, progress=progress)
        for rf in source_files(source)
    }
