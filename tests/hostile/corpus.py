"""The hostile and broken input corpus: named files built at test time, each with the outcome the
loaders must give it.

Every case is a small function returning the file's bytes (openpyxl, zipfile or raw XML edits; zip
bombs are streamed zeros, never committed) and an `Expected` outcome: rejected with exact issues
(code, sheet, row, column letter), or accepted with the rows stored and the warnings given.
`FILE_LEVEL` cases are refused before any sheet is read, so every loader kind gives the same answer;
the others are audit returns, run through the audit loader.

The policies these cases pin (also in README, "Loading real files"):
- a hidden (or very hidden) sheet is never read; if it has the expected headings a warning names it;
- macros are never run: a macro-enabled workbook's cell values load, with a `macros-ignored` warning;
- embedded files (a zip inside the workbook) are never opened; XInclude is never followed;
- formulas: the value Excel saved is read; a formula saved without its value is refused at its cell;
- Excel error values (#REF!, #VALUE!, #DIV/0!, #NAME? ...) are refused at their cell; #N/A means
  "nothing here", as case-system exports write it;
- merged cells in the heading row or the data are refused with their range (titles above are fine);
- control characters are removed, with a warning naming the first cell;
- a cell may hold up to 32,767 characters (Excel's limit); a longer one is refused at its cell;
- a formula-looking CSV cell (=cmd|...) is stored as the text it is, never evaluated.

The cases live in family modules, listed here in the order of the docs table: corpus_containers.py
(zip level), corpus_xml.py (XML level and macros), corpus_sheets.py (sheet content) and
corpus_limits.py (sizes, characters, CSV); their shared builders are in corpus_builders.py and the
`Case` / `Expected` model in corpus_model.py.

Run `python tests/hostile/corpus.py` to print the table in docs/hostile_corpus.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The family modules sit next to this file; importing it by path (or from another directory) finds them.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_containers  # noqa: E402
import corpus_limits  # noqa: E402
import corpus_sheets  # noqa: E402
import corpus_xml  # noqa: E402
from corpus_model import Case, Expected, accepted, rejected  # noqa: E402, F401 - the public names

C: list[Case] = [*corpus_containers.C, *corpus_xml.C, *corpus_sheets.C, *corpus_limits.C]

CASES: dict[str, Case] = {c.name: c for c in C}
assert len(CASES) == len(C), "case names must be unique"


def markdown() -> str:
    lines = [
        "# Hostile and broken input corpus",
        "",
        "Generated from `tests/hostile/corpus.py` (`python tests/hostile/corpus.py > docs/hostile_corpus.md`);",
        "`tests/test_hostile_corpus.py` runs every case, checks this page is current, and runs the whole corpus",
        "in a subprocess under a memory limit. *All kinds*: refused before any sheet is read, so every loader",
        "kind (`loaders.KINDS`) gives the same answer; otherwise the audit loader. Locations are sheet, then",
        "column and row as Excel shows them. Every rejection leaves every table unchanged but `loads`.",
        "",
        f"{len(C)} cases.",
        "",
        "| case | group | the file | loaders | expected |",
        "|---|---|---|---|---|",
    ]
    for c in C:
        env = f" (`{' '.join(f'{k}={v}' for k, v in c.env.items())}`)" if c.env else ""
        lines.append(f"| `{c.name}` | {c.group} | {c.about}{env} | {'all kinds' if c.file_level else 'audits'} "
                     f"| {c.expected.describe()} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
