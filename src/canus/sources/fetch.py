"""Downloads a source's files, checks them before trusting them, and keeps them as published.

Every file goes through the same path whether it comes from the network or a mirror
directory: checked (status, type, size, whole compression, expected columns), then
stored under its sha256 with a manifest row. Reading never downloads again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
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
from typing import IO, TYPE_CHECKING

from canus import __version__
from canus.errors import CanusError, FetchError
from canus.i18n import LANGS, known
from canus.settings import Settings, get_settings
from canus.sources.base import RemoteFile, Snapshot, Source
from canus.sources.http import RETRY_STATUS, Deadline, DeadlineExceeded, RetryPolicy

if TYPE_CHECKING:
    import httpx

Progress = Callable[[str, int, int | None], None]
"""Called with (source id, bytes so far, total bytes if known)."""

USER_AGENT = f"canus/{__version__} (+https://github.com/canus-project/canus)"
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


#: What an interrupted update can leave in ``raw/``: the download being written (``tmp*`` from
#: ``mkstemp``) and a Statistics Canada data member being extracted (``<xx>/statcan-*.csv``).
#: Snapshots are named by their sha256 and never match.
PARTIAL_PATTERNS = ("tmp*", "*/statcan-*.csv")


def remove_partial_files(raw_dir: Path, older_than: float | None = None) -> list[Path]:
    """Remove what a killed update left half-written in ``raw_dir``; return what was removed.

    ``older_than`` (seconds) spares files a running update may still be writing; the caller
    holding the update lock may pass ``None`` to remove every leftover.
    """
    if not raw_dir.is_dir():
        return []
    now = time.time()
    removed = []
    for pattern in PARTIAL_PATTERNS:
        for path in raw_dir.glob(pattern):
            try:
                if not path.is_file() or (older_than is not None and now - path.stat().st_mtime < older_than):
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


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
def _open_text(path: Path, rf: RemoteFile) -> Iterator[io.TextIOWrapper]:
    # One handle either way, closed below; gzip's is typed as a file of bytes too.
    raw: IO[bytes] = (
        gzip.open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
        if path.name.endswith(".gz")
        else path.open("rb")
    )
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


Fail = Callable[..., FetchError]


def _failer(source_id: str, url: str) -> Fail:
    def fail(problem: str, **fields: object) -> FetchError:
        # A problem with fields is a message of its own; a plain one is a check's words, in
        # French where the catalogue has them (a reader's own ValueError text may not be there).
        detail = CanusError(problem, **fields) if fields else {lang: known(problem, lang) for lang in LANGS}
        return FetchError("{source}: {url}: {problem}", source=source_id, url=url, problem=detail)

    return fail


def _check_gzip(path: Path, rf: RemoteFile, head: bytes, fail: Fail) -> None:
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


def _check_zip(path: Path, rf: RemoteFile, fail: Fail) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip() if rf.verify_whole else None
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise fail("the zip archive is damaged or incomplete ({error})", error=e) from e
    if bad:
        raise fail("the zip member {member} is damaged", member=bad)


def _check_json(path: Path, fail: Fail) -> None:
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as f:
            json.load(f)
    except (ValueError, OSError) as e:
        raise fail("the response is not valid JSON ({error})", error=e) from e


def _check_columns(path: Path, rf: RemoteFile, fail: Fail) -> None:
    with _open_text(path, rf) as text:
        for _ in range(rf.skip_lines):
            text.readline()
        header_line = text.readline()
    header = next(csv.reader([header_line.lstrip("\ufeff")], delimiter=rf.delimiter), [])
    present = {h.strip() for h in header}
    missing = [c for c in rf.required_columns if c not in present]
    if missing:
        raise fail(
            "expected columns are missing: {missing} (found: {found})",
            missing=", ".join(missing),
            found=", ".join(h.strip() for h in header[:12]),
        )


def _run_own_check(path: Path, rf: RemoteFile, fail: Fail) -> None:
    assert rf.check is not None
    try:
        rf.check(path)
    except ValueError as e:
        raise fail(str(e)) from e
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        # A reader's own check tripping over damaged bytes is as telling as a failed one.
        what = "the zip archive is damaged" if rf.kind == "zip" else "the file is damaged"
        raise fail(what + " ({error})", error=e) from e


def check_file(path: Path, rf: RemoteFile, source_id: str, url: str) -> None:
    """Raise ``FetchError`` naming source, address and problem if the file is not usable."""
    fail = _failer(source_id, url)
    if path.stat().st_size == 0:
        raise fail("the response is empty")
    with path.open("rb") as f:
        head = f.read(2048)
    if _looks_like_html(head):
        raise fail("the server sent an HTML page instead of the data file")
    if path.name.endswith(".gz") or head[:2] == b"\x1f\x8b":
        _check_gzip(path, rf, head, fail)
    if rf.kind == "zip":
        _check_zip(path, rf, fail)
    elif rf.kind == "json":
        _check_json(path, fail)
    elif rf.kind == "csv" and rf.required_columns:
        _check_columns(path, rf, fail)
    if rf.check is not None:
        _run_own_check(path, rf, fail)


# ---------------------------------------------------------------------------- transport


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

    last: object = ""
    for attempt in RetryPolicy.from_settings(settings).attempts():
        retry_after: str | None = None
        try:
            resp = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            last = CanusError("no answer within {seconds} s", seconds=f"{settings.timeout:g}")
        except httpx.TransportError as e:
            raise FetchError(
                "{source}: {url}: could not connect ({problem})",
                source=source_id,
                url=url,
                problem=str(e) or type(e).__name__,
            ) from e
        else:
            if resp.status_code not in RETRY_STATUS:
                return resp
            last = f"HTTP {resp.status_code}"
            retry_after = resp.headers.get("Retry-After")
        attempt.wait(retry_after)
    raise FetchError(
        "{source}: {url}: gave up after {n} tries (last: {problem})",
        source=source_id,
        url=url,
        n=settings.retries,
        problem=last,
    )


class NotPublished(FetchError):
    """The publisher has no such file (HTTP 404 or 410): fatal for a file the loader needs,
    a skipped file for an optional one."""


class _Retry(Exception):
    """An answer worth another try, with what to say if none succeeds."""

    def __init__(self, problem: object, retry_after: str | None = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.retry_after = retry_after


def _conditional_headers(previous: dict[str, object] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if previous and Path(str(previous.get("path", ""))).exists():
        if previous.get("etag"):
            headers["If-None-Match"] = str(previous["etag"])
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = str(previous["last_modified"])
    return headers


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
    """Stream ``url`` into ``dest``; return (sha256 or None when not modified, headers).

    The whole exchange, retries and waits included, runs against one :class:`Deadline`; a
    publisher that drips bytes slowly enough to dodge the per-read timeout still stops there.
    """
    import httpx

    deadline = Deadline(settings.download_deadline)
    headers = _conditional_headers(previous)
    last: object = ""
    try:
        for attempt in RetryPolicy.from_settings(settings).attempts(deadline):
            retry_after: str | None = None
            try:
                return _download_once(client, source_id, rf, url, settings, dest, headers, deadline, progress)
            except _Retry as r:
                last, retry_after = r.problem, r.retry_after
            except httpx.TimeoutException:
                deadline.check()
                last = CanusError("no answer within {seconds} s", seconds=f"{settings.timeout:g}")
            except httpx.RemoteProtocolError as e:
                last = CanusError("the connection broke off ({error})", error=e)
            except httpx.TransportError as e:
                raise FetchError(
                    "{source}: {url}: could not connect ({problem})",
                    source=source_id,
                    url=url,
                    problem=str(e) or type(e).__name__,
                ) from e
            attempt.wait(retry_after)
    except DeadlineExceeded:
        raise FetchError(
            "{source}: {url}: the download did not finish within its deadline of {seconds} s (CANUS_DOWNLOAD_DEADLINE)",
            source=source_id,
            url=url,
            seconds=f"{round(deadline.limit, 1):g}",
        ) from None
    raise FetchError(
        "{source}: {url}: gave up after {n} tries (last: {problem})",
        source=source_id,
        url=url,
        n=settings.retries,
        problem=last,
    )


def _download_once(
    client: httpx.Client,
    source_id: str,
    rf: RemoteFile,
    url: str,
    settings: Settings,
    dest: Path,
    headers: dict[str, str],
    deadline: Deadline,
    progress: Progress | None,
) -> tuple[str | None, dict[str, str | None]]:
    import httpx

    fail = _failer(source_id, url)
    # No single read may outlast what is left of the deadline.
    wait = max(0.001, min(settings.timeout, deadline.remaining()))
    timeout = httpx.Timeout(wait, connect=min(wait, 15.0))
    with client.stream("GET", url, headers=headers, timeout=timeout) as resp:
        if resp.status_code == 304:
            return None, {}
        if resp.status_code in RETRY_STATUS:
            raise _Retry(f"HTTP {resp.status_code}", resp.headers.get("Retry-After"))
        if resp.status_code in (404, 410):
            raise NotPublished(
                "{source}: {url}: the server answered HTTP {status}", source=source_id, url=url, status=resp.status_code
            )
        if resp.status_code >= 400:
            raise FetchError(
                "{source}: {url}: the server answered HTTP {status}", source=source_id, url=url, status=resp.status_code
            )
        ctype = resp.headers.get("Content-Type", "").lower()
        if "text/html" in ctype and rf.kind != "json":
            raise fail("the server sent an HTML page instead of the data file")
        total = resp.headers.get("Content-Length")
        total_n = int(total) if total and total.isdigit() else None
        deadline.scale(total_n)
        keep_gzip = _keep_encoded(resp)
        # No chunk size: httpx would gather a full chunk before handing it over, and a slow
        # drip would then never reach the deadline check between reads.
        chunks = resp.iter_raw() if keep_gzip else resp.iter_bytes()
        sha, done = _write_stream(
            chunks, dest, deadline, fail, lambda n: progress(source_id, n, total_n) if progress else None
        )
        if total_n is not None and done < total_n and (keep_gzip or not resp.headers.get("Content-Encoding")):
            raise fail("the download stopped at {done} of {total} bytes", done=done, total=total_n)
        return sha, {
            "etag": resp.headers.get("ETag"),
            "last_modified": resp.headers.get("Last-Modified"),
            "gzip": "1" if keep_gzip else None,
        }


def _write_stream(
    chunks: Iterator[bytes], dest: Path, deadline: Deadline, fail: Fail, progress: Callable[[int], object]
) -> tuple[str, int]:
    """Write chunks to ``dest`` with their sha256, checking the deadline after each one."""
    h = hashlib.sha256()
    done = 0
    try:
        with dest.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                h.update(chunk)
                done += len(chunk)
                progress(done)
                deadline.check()
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise fail(
                "no space left on the disk holding {path} after {done} bytes; free some "
                "space there or point CANUS_HOME at a larger disk",
                path=dest.parent,
                done=done,
            ) from e
        raise
    return h.hexdigest(), done


def _copy(src: Path, dest: Path, fail: Fail) -> None:
    try:
        shutil.copyfile(src, dest)
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise fail(
                "no space left on the disk holding {path} after {done} bytes; free some "
                "space there or point CANUS_HOME at a larger disk",
                path=dest.parent,
                done=dest.stat().st_size if dest.exists() else 0,
            ) from e
        raise


def _keep_encoded(resp: httpx.Response) -> bool:
    # Kept compressed, as it came over the wire: zlib does not notice a truncated gzip stream
    # while decoding on the fly, so the whole-stream check must run on the stored bytes.
    return resp.headers.get("Content-Encoding", "").strip().lower() == "gzip"


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
                source=source.id,
                mirror=settings.mirror / source.id,
                name=rf.name,
            )
        sha = _sha256_file(found)
        name = rf.name + (".gz" if found.name.endswith(".gz") and not rf.name.endswith(".gz") else "")
        known = store.path_for(sha, name)
        if previous and previous.get("sha256") == sha and known.exists():
            return Snapshot(**{**previous, "path": known})  # type: ignore[arg-type]
        fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=_suffix(name))
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            _copy(found, tmp, _failer(source.id, str(found)))
            check_file(tmp, rf, source.id, str(found))
        except BaseException:
            # Whatever stopped the copy (a bad file, a full disk, Ctrl-C), nothing stays in raw/.
            tmp.unlink(missing_ok=True)
            raise
        if progress:
            progress(source.id, found.stat().st_size, found.stat().st_size)
        snap = Snapshot(
            source_id=source.id,
            name=name,
            url=found.resolve().as_uri(),
            sha256=sha,
            path=tmp,
            size=found.stat().st_size,
            retrieved_at=_now(),
            origin="mirror",
        )
        return store.add(tmp, snap)

    own_client = client is None
    client = client or http_client(settings)
    fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=_suffix(rf.name))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        digest, meta = _download(client, source.id, rf, url, settings, tmp, previous, progress)
        if digest is None and previous:
            tmp.unlink(missing_ok=True)
            return Snapshot(**{**previous, "path": Path(str(previous["path"]))})  # type: ignore[arg-type]
        assert digest is not None
        name = rf.name
        if meta.get("gzip") and not name.endswith(".gz"):
            name += ".gz"
            gz_tmp = tmp.with_name(tmp.name + ".gz")
            os.replace(tmp, gz_tmp)
            tmp = gz_tmp
        check_file(tmp, rf, source.id, url)
        snap = Snapshot(
            source_id=source.id,
            name=name,
            url=url,
            sha256=digest,
            path=tmp,
            size=tmp.stat().st_size,
            retrieved_at=_now(),
            origin="http",
            etag=meta.get("etag"),
            last_modified=meta.get("last_modified"),
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
    files = source_files(source)
    if settings.mirror is not None:
        # A mirror may leave out a file the loader does without (a table's French zip).
        files = tuple(
            rf for rf in files if not rf.optional or _mirror_file(settings.mirror, source.id, rf.name) is not None
        )
    snaps: dict[str, Snapshot] = {}
    for rf in files:
        try:
            snaps[rf.name] = fetch_file(source, rf, settings=settings, client=client, progress=progress)
        except NotPublished:
            # So may a publisher: an optional file it does not serve is done without.
            if not rf.optional:
                raise
    return snaps
