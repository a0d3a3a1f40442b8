"""Reading a spreadsheet or CSV safely into a table of text cells that keeps Excel's positions.

Shared by every loader. The steps, each reporting in words a QAL understands:
1. `inspect_file` (`loaders.zip_checks`): refuse what is not a spreadsheet, legacy or encrypted
   workbooks, zip bombs (inflated sizes checked before parsing), XML with entity declarations
   (defusedxml) and sheets whose furthest cell would make the reader allocate a huge grid.
2. `find_table` (`loaders.sheet_reader`): on every visible sheet, look for the header row within
   the first rows and keep the sheet and row whose headers the caller's `score` recognises best,
   read with fastexcel (Rust, Arrow) as text, one column `c<N>` per sheet column N, plus `_row`,
   the row number Excel shows.
3. Inside `find_table`, `loaders.cell_checks`: cells that cannot be trusted (error values,
   formulas without results, merged cells, control characters, over-long cells).

This module keeps the names loaders import (`Source`, `RawTable`, `Score`, `inspect_file`,
`find_table`, ...); the code lives in the modules named above and in `loaders.source` and
`loaders.xlsx_parts`.
"""

from __future__ import annotations

from loaders.cell_checks import EXCEL_ERRORS, ISSUES_PER_PROBLEM, MAX_CELL_CHARS
from loaders.sheet_reader import find_table
from loaders.source import HEADER_SEARCH_ROWS, RawTable, Score, Source, has_errors, max_rows
from loaders.xlsx_parts import workbook_date1904
from loaders.zip_checks import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_GRID_CELLS,
    MAX_INFLATED_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    inspect_file,
)

__all__ = [
    "EXCEL_ERRORS", "HEADER_SEARCH_ROWS", "ISSUES_PER_PROBLEM", "MAX_CELL_CHARS", "MAX_COLUMNS",
    "MAX_FILE_BYTES", "MAX_GRID_CELLS", "MAX_INFLATED_BYTES", "MAX_PARTS", "MAX_RATIO", "RawTable",
    "Score", "Source", "find_table", "has_errors", "inspect_file", "max_rows", "workbook_date1904",
]
