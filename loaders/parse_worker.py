"""Parsing a workbook's sheets in a separate process with a capped address space, so that a file the
checks before the parse did not catch can at worst kill that process, never the app.

`loaders.zip_checks.inspect_file` refuses what is known to make the cell reader (calamine, in Rust)
allocate without bound: cells named far beyond the data. But the reader also places cells by
position (a `<c>` without `r`), and XML has more ways to write a workbook than any pattern check can
know; a Rust allocation failure aborts the whole process (SIGABRT), which for the app would end every
user's session. So every sheet is parsed here:

- a small server (this file run on its own by `python -c`), started once per app process with
  fastexcel and pyarrow imported once, reads requests on its stdin;
- for each request it forks a child (the server has one thread, so forking it is safe, unlike
  forking the app) that caps its address space at QA_INSIGHT_PARSE_MEMORY_MB (default 2048), reads
  every sheet, writes each sheet's cells as an Arrow IPC file in the server's private folder (in
  memory: /dev/shm where there is one) and answers with the sheets' names and sizes;
- this process maps those files without copying and removes them. A child that dies gives
  `ReaderDied` (the server stays); a workbook the reader refuses gives `ReadFailed`.

Not multiprocessing: its children import the parent's `__main__`, which under Streamlit is the page
being run. One request at a time (a lock): a parse is a few seconds at most. The server exits when
this process does (its stdin closes) and removes its folder.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

MEMORY_ENV = "QA_INSIGHT_PARSE_MEMORY_MB"
DEFAULT_MEMORY_MB = 2048
PARSE_TIMEOUT = 300.0  # seconds: a 200,000-row return parses in a few seconds
_ROOT = Path(__file__).resolve().parent.parent
_SHM = "/dev/shm"


@dataclass(frozen=True)
class ParsedSheet:
    """One sheet as the reader read it: every cell as text. `batch` is None when the sheet could not
    be read (`readable` False) or is taller than the caller's limit (only `total_height` is known)."""

    name: str
    readable: bool
    visible: bool = False
    total_height: int = 0
    batch: pa.RecordBatch | None = None
    indexes: tuple[int, ...] = ()  # each batch column's position in the sheet (0 = column A)


class ReadFailed(Exception):
    """The reader refused the workbook as a whole; the message is the reader's first line."""


class ReaderDied(Exception):
    """The parsing process died (out of its memory, or aborted) or ran out of time."""


# What the child sends for each sheet: name, readable, visible, total height, the path of the IPC
# file holding its cells (None: not read) and the columns' positions.
Sent = tuple[str, bool, bool, int, str | None, tuple[int, ...]]


def memory_limit() -> int:
    """Bytes of address space the parsing process may use (QA_INSIGHT_PARSE_MEMORY_MB)."""
    return int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB)) << 20


def read_sheets(data: bytes, max_height: int) -> list[ParsedSheet]:
    """Every sheet of the workbook `data`, in order, parsed in a memory-capped child process; sheets
    taller than `max_height` rows come back without their cells. Raises ReadFailed, ReaderDied."""
    with _LOCK:
        kind, payload = _ask(("parse", data, max_height, memory_limit()))
    if kind == "failed":
        raise ReadFailed(payload)
    if kind == "died":
        raise ReaderDied(f"the reader stopped ({payload})")
    return [_mapped(*sent) for sent in payload]


_LOCK = threading.Lock()
_server: subprocess.Popen[bytes] | None = None
# The server runs this file on its own, not as part of the `loaders` package (whose imports it does
# not need), with only the standard library and pyarrow/fastexcel imported.
_START = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('qa_parse_server', sys.argv[1]); "
          "module = sys.modules['qa_parse_server'] = importlib.util.module_from_spec(spec); "
          "spec.loader.exec_module(module); module.serve()")


def _ask(request: tuple[Any, ...]) -> tuple[str, Any]:
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen([sys.executable, "-c", _START, __file__], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, cwd=_ROOT)
    server = _server
    assert server.stdin is not None and server.stdout is not None
    try:
        _send(server.stdin, request)
        ready, _, _ = select.select([server.stdout], [], [], PARSE_TIMEOUT)
        if not ready:
            raise TimeoutError
        answer: tuple[str, Any] = _receive(server.stdout)
        return answer
    except (OSError, EOFError, TimeoutError, pickle.UnpicklingError) as exc:
        server.kill()  # out of step or gone: the next request starts a new one
        server.wait()
        _server = None
        return "died", "timed out" if isinstance(exc, TimeoutError) else "the parsing server stopped"


def _mapped(name: str, readable: bool, visible: bool, height: int, cells: str | None,
            indexes: tuple[int, ...]) -> ParsedSheet:
    batch = None
    if cells is not None:
        with pa.memory_map(cells) as source:  # the mapping outlives the file's removal
            batch = pa.ipc.open_file(source).get_batch(0)
        os.unlink(cells)
    return ParsedSheet(name, readable, visible, height, batch, indexes)


def _send(stream: IO[bytes], message: Any) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(body).to_bytes(8, "big") + body)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = _read_exactly(stream, 8)
    return pickle.loads(_read_exactly(stream, int.from_bytes(header, "big")))  # noqa: S301 - our own server


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# --- The server and its children ----------------------------------------------------------------------
def serve() -> None:
    """The server loop: one request at a time from stdin, each parsed in a forked child."""
    import fastexcel  # noqa: F401 - imported once here, inherited by every child

    folder = tempfile.mkdtemp(prefix="qa-parse-", dir=_SHM if os.path.isdir(_SHM) else None)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    try:
        for number in range(1 << 62):
            try:
                _, data, max_height, limit = _receive(requests)
            except EOFError:
                return
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: whatever happens, it never returns into this loop
                code = 1
                try:
                    os.close(reader)
                    with os.fdopen(writer, "wb") as out:
                        _send(out, _parse(data, max_height, limit, os.path.join(folder, f"{number}")))
                    code = 0
                finally:
                    os._exit(code)
            os.close(writer)
            with os.fdopen(reader, "rb") as answer:
                body = answer.read()
            _, status = os.waitpid(pid, 0)
            if status == 0 and len(body) > 8 and int.from_bytes(body[:8], "big") == len(body) - 8:
                answers.write(body)
                answers.flush()
            else:
                _send(answers, ("died", f"exit {os.waitstatus_to_exitcode(status)}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _parse(data: bytes, max_height: int, limit: int, path: str) -> tuple[str, Any]:
    """In the child: cap the address space, read every sheet, write each one's cells to `path`.N."""
    import fastexcel

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # noqa: BLE001 - the Rust reader raises its own error types
        return "failed", (str(exc).splitlines() or [type(exc).__name__])[0][:200]
    sheets: list[Sent] = []
    for number, name in enumerate(reader.sheet_names):
        try:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        except Exception:  # noqa: BLE001 - an unreadable side sheet must not hide the data sheet
            sheets.append((name, False, False, 0, None, ()))
            continue
        height, cells = sheet.total_height, None
        if height <= max_height:
            batch = sheet.to_arrow()
            cells = f"{path}.{number}.arrow"
            with pa.OSFile(cells, "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
                writer.write_batch(batch)
        indexes = tuple(c.absolute_index for c in sheet.available_columns())
        sheets.append((name, True, sheet.visible == "visible", height, cells, indexes))
    return "sheets", sheets

