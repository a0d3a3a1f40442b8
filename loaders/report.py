"""The one report type every loader returns (after frictionless): issues with stable codes and
positions as Excel shows them, plus counts, in a flat form for tables, JSON and tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
ROW_ISSUES_PER_PROBLEM = 50  # list this many rows per problem and column, then summarise


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Issue:
    """One problem found in a file.

    `code` is stable kebab-case (`missing-column`, `bad-date`, ...); `message` is a sentence a
    Quality Assurance Lead understands; `row` is the row number Excel shows (or the CSV line);
    `column` is the header as the file spells it, `column_letter` where it stands."""

    code: str
    severity: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    column_letter: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadReport:
    """What happened to one file: counts, issues, and the outcome once loading was attempted."""

    file: str
    kind: str
    sheet: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    outcome: str = "not loaded"  # loaded, rejected, unchanged, checked (dry run), not loaded
    load_id: str | None = None
    sha256: str | None = None
    issues: list[Issue] = field(default_factory=list)
    # The first rows as they would be stored (canonical values), for a preview before committing.
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        """True when the file has no error (warnings do not block a load)."""
        return not self.errors

    def add(self, code: str, message: str, *, severity: str = ERROR, **where: Any) -> None:
        self.issues.append(Issue(code=code, severity=severity, message=message, **where))

    def sort_issues(self) -> None:
        """Order issues as a QAL reads the sheet: by row, then column (A..Z, AA..)."""
        self.issues.sort(key=lambda i: (i.row or 0, len(i.column_letter or ""), i.column_letter or ""))

    def as_dict(self) -> dict[str, Any]:
        """The flat form the CLI prints with --json."""
        return {
            "file": self.file,
            "kind": self.kind,
            "sheet": self.sheet,
            "valid": self.valid,
            "outcome": self.outcome,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_replaced": self.rows_replaced,
            "issues": [i.as_dict() for i in self.issues],
        }

    def issue_rows(self) -> list[dict[str, Any]]:
        """One dict per issue, with the file name, for a table on the Upload page."""
        return [{"file": self.file, **i.as_dict()} for i in self.issues]

    def summary(self) -> str:
        """One line for logs and the CLI."""
        if self.outcome == "unchanged":
            return f"{self.file}: already loaded with identical content; nothing changed"
        if not self.valid:
            return (
                f"{self.file}: rejected, {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s); nothing was written"
            )
        verb = "loaded" if self.outcome == "loaded" else "valid"
        extra = f" ({self.rows_replaced} replaced)" if self.rows_replaced else ""
        return (
            f"{self.file}: {verb}, {self.rows_loaded or self.rows_read} row(s){extra}, "
            f"{len(self.warnings)} warning(s)"
        )
