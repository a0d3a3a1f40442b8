"""Reading single cell values as people and case systems write them. Pure functions.

Dates are always read day first (UK): `03/04/2025` is 3 April. Excel date cells arrive from the
reader as ISO text (`2025-04-03 00:00:00`); serial numbers typed into text cells are converted with
the workbook's date system.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

# Cells that mean "nothing here" in exports from Mosaic, Liquidlogic, Eclipse and hand-kept sheets.
BLANKS: frozenset[str] = frozenset({"", "-", "--", "#n/a", "n/a", "na", "null", "none", "nil", "."})

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_TEXT_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%d %b %y", "%d-%b-%y", "%d %B, %Y")
_EPOCH_1900 = date(1899, 12, 30)  # Excel's 1900 system, allowing for its 1900 leap-year bug
_EPOCH_1904 = date(1904, 1, 1)
EARLIEST = date(1990, 1, 1)


def is_blank(value: str | None) -> bool:
    return value is None or value.strip().lower() in BLANKS


def parse_date(value: str | None, *, date1904: bool = False) -> date | None:
    """A date from a cell's text, or None if blank. Raises ValueError if it is not a date
    (including impossible days such as 31/02/2025 and years before 1990)."""
    if value is None or is_blank(value):
        return None
    text = value.strip()
    result: date | None = None
    if m := _ISO.match(text):
        result = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _DMY.match(text):
        year = int(m.group(3))
        if year < 100:
            year += 2000 if year < 70 else 1900
        result = date(year, int(m.group(2)), int(m.group(1)))
    elif _SERIAL.match(text):
        days = float(text)
        result = (_EPOCH_1904 if date1904 else _EPOCH_1900) + timedelta(days=int(days))
    else:
        for fmt in _TEXT_FORMATS:
            try:
                result = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if result is None:
        raise ValueError(f"not a date: {text!r}")
    if result < EARLIEST:
        raise ValueError(f"date before {EARLIEST.year}: {text!r}")
    return result


_YES = frozenset({"yes", "y", "true", "1", "x", "done", "yes notified", "notified", "given"})
_NO = frozenset({"no", "n", "false", "0", "not notified", "not given"})


def parse_yes_no(value: str | None) -> bool | None:
    """True/False for yes/no answers ('Yes', 'y', 'TRUE', '1'...), None if blank.
    Raises ValueError for anything else."""
    if value is None or is_blank(value):
        return None
    key = re.sub(r"\s+", " ", value.strip().lower())
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"not yes or no: {value!r}")


def clean_text(value: str | None) -> str | None:
    """Trimmed text with inner runs of white space folded, or None if blank."""
    if value is None or is_blank(value):
        return None
    return re.sub(r"\s+", " ", value).strip()


_MONTHS = {m.lower(): i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
)}
_MONTH_WORD_YEAR = re.compile(r"^([a-z]{3,9})[\s\-/.']*(\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[\-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[\-/.](\d{4})$")


def parse_month(value: str | None, *, date1904: bool = False) -> date | None:
    """The first day of the month a period label names, or None if blank: 'Apr-25', 'Apr 25',
    'April 2025', '2025-04', '04/2025', an Excel date ('2025-04-01 00:00:00') or a UK date
    ('30/04/2025', day first). Raises ValueError for anything else."""
    if value is None or is_blank(value):
        return None
    text = value.strip().lower()
    if m := _MONTH_WORD_YEAR.match(text):
        month = _MONTHS.get(m.group(1)[:3])
        if month is None or (len(m.group(1)) > 3 and not _is_month_name(m.group(1))):
            raise ValueError(f"not a month: {value!r}")
        year = int(m.group(2))
        return date(year + 2000 if year < 100 else year, month, 1)
    if m := _YEAR_MONTH.match(text):
        return _first(int(m.group(1)), int(m.group(2)), value)
    if m := _MONTH_YEAR.match(text):
        return _first(int(m.group(2)), int(m.group(1)), value)
    day = parse_date(value, date1904=date1904)
    return None if day is None else day.replace(day=1)


def _is_month_name(word: str) -> bool:
    names = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december", "sept")
    return word in names


def _first(year: int, month: int, original: str) -> date:
    if not 1 <= month <= 12 or year < EARLIEST.year:
        raise ValueError(f"not a month: {original!r}")
    return date(year, month, 1)


def parse_number(value: str | None) -> float | None:
    """A number from a cell's text ('12', '12.5', '1,234', '85%' -> 85.0), None if blank.
    Raises ValueError for text that is not a number."""
    if value is None or is_blank(value):
        return None
    text = value.strip().replace(",", "")
    if text.endswith("%"):
        text = text[:-1].strip()
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"not a number: {value!r}")
    return number
