"""Generate 24 monthly QA audit returns for the fictional Northbridge City Council.

Usage: ``python sample_data/generate.py [--out DIR]`` (default: ``sample_data/audits``).

Deterministic: one ``random.Random`` per concern with fixed seeds, no use of today's date, lists not sets,
and xlsx zip entries written with fixed timestamps so that a rerun produces byte-identical files.
The story and layout quirks are described in ``sample_data/README.md``.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import calendar
import csv
import datetime as dt
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

try:
    from . import northbridge_catalogue as cat
except ImportError:  # run as a script, or loaded by file path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import northbridge_catalogue as cat

HERE = Path(__file__).resolve().parent
FIRST_MONTH = (2024, 11)
N_MONTHS = 24
GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
TYPES = ["Case audit", "Dip sample", "Observation"]
TYPE_WEIGHTS = [35, 40, 25]
TYPE_VARIANTS = {"Case audit": "Full case audit", "Dip sample": "Dip-sample", "Observation": "Practice observation"}
GRADE_VARIANTS = [["outstanding"], ["good", "Good ", "G"], ["RI", "Requires improvement to be good"], ["inadequate"]]
CORE_DOMAINS = [
    "Safeguarding and thresholds", "Direct work and voice of the child", "Oversight of casework and decisions",
    "Supervision",
]  # fmt: skip
CASE_AUDIT_DOMAINS = ["Chronology", "Assessment", "Planning", "Recording"]
HEADERS = [
    "Audit ID", "Activity type", "Date of audit", "Service area", "Team", "Social worker", "Auditor", "Theme",
    "Observation setting", "Worker notified", "Feedback given", "Feedback date", *CORE_DOMAINS,
    *CASE_AUDIT_DOMAINS, "Overall grade", "Moderated grade", "Strengths", "Areas for development", "Re-audit of",
]  # fmt: skip
HEADER_VARIANTS = {
    "A": {"Audit ID": "AUDIT ID", "Date of audit": "audit date", "Service area": "Service",
          "Overall grade": "Overall judgement"},
    "B": {"Date of audit": "audit date", "Social worker": "Social Worker", "Team": "Team "},
    "C": {"Audit ID": "AUDIT ID", "Activity type": "ACTIVITY TYPE", "Overall grade": "Overall judgement",
          "Moderated grade": "Moderated  grade"},
    "D": {"Service area": "Service", "Date of audit": "DATE OF AUDIT", "Feedback given": "Feedback Given"},
}  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """How one month's return is laid out. ``title``: "" none, "T" title row, "TB" title + blank,
    "TMB" title + month + blank. The flags switch on the value variants people type."""

    stem: str
    csv: bool = False
    title: str = ""
    sheets: bool = False  # Instructions sheet first, Lists sheet last
    text_dates: bool = False
    aliases: bool = False
    type_variants: bool = False
    grade_variants: bool = False
    headers: str = ""  # key into HEADER_VARIANTS


LAYOUTS = [
    Layout("audit_return", title="TMB"),  # 2024-11
    Layout("audit_return"),
    Layout("audit_return", sheets=True, text_dates=True),
    Layout("audit_return", title="TB", grade_variants=True),
    Layout("audit_export", csv=True),  # 2025-03
    Layout("audit_return", aliases=True, type_variants=True),
    Layout("audit_return", title="TMB", headers="A"),
    Layout("QA_audit_return", sheets=True, title="TMB", grade_variants=True),
    Layout("audit_return", text_dates=True, aliases=True),
    Layout("audit_return", title="T", type_variants=True),
    Layout("audit_export", csv=True, aliases=True, grade_variants=True),  # 2025-09
    Layout("audit_return", headers="B"),
    Layout("QA_audit_return", sheets=True, text_dates=True),  # 2025-11
    Layout("audit_return", title="TMB", aliases=True, grade_variants=True),
    Layout("audit_return"),
    Layout("audit_return", title="TB", type_variants=True, text_dates=True),
    Layout("QA_audit_return", sheets=True, headers="C"),
    Layout("audit_return", grade_variants=True),
    Layout("audit_return", title="TMB", aliases=True),  # 2026-05
    Layout("audit_export", csv=True, type_variants=True, headers="D"),
    Layout("QA_audit_return", sheets=True, title="TMB", text_dates=True, grade_variants=True),
    Layout("audit_return", aliases=True),
    Layout("audit_return", title="TB", headers="A"),
    Layout("audit_return"),  # 2026-10
]


def months() -> list[tuple[int, int]]:
    """The 24 (year, month) pairs, November 2024 to October 2026."""
    y, m = FIRST_MONTH
    return [(y + (m - 1 + i) // 12, (m - 1 + i) % 12 + 1) for i in range(N_MONTHS)]


def _staff(rng: random.Random) -> tuple[dict[str, list[str]], list[tuple[str, list[str]]]]:
    """Six workers per team (150) and 12 auditors: 4 QA leads (any area) and 8 team managers (two areas)."""
    pool = sorted(f"{f} {s}" for f in cat.FIRST_NAMES for s in cat.SURNAMES)
    names = rng.sample(pool, 162)
    teams = [t for area_teams in cat.TEAMS.values() for t in area_teams]
    workers = {t: names[6 * i : 6 * i + 6] for i, t in enumerate(teams)}
    areas = list(cat.TEAMS)
    auditors = [(n, areas) for n in names[150:154]]
    auditors += [(n, [areas[i % 7], areas[(i + 3) % 7]]) for i, n in enumerate(names[154:162])]
    return workers, auditors


def _step(rng: random.Random, grade: int, down_bias: float = 0.5) -> int:
    """A domain grade correlated with the overall grade: mostly the same, else one (rarely two) steps away."""
    r = rng.random()
    if r < 0.6:
        return grade
    size = 2 if r > 0.97 else 1
    new = grade + (size if rng.random() < down_bias else -size)
    return new if 0 <= new <= 3 else grade


def build_records() -> list[dict]:
    """Every activity as a dict of canonical values (grades as 0..3, dates as ``datetime.date``)."""
    rng = random.Random(cat.SEED)
    workers, auditors = _staff(rng)
    team_area = [(t, a) for a, ts in cat.TEAMS.items() for t in ts]
    target = dict.fromkeys(cat.TEAMS, 0.0)
    given = dict.fromkeys(cat.TEAMS, 0)
    records: list[dict] = []
    for i, (y, m) in enumerate(months()):
        t = i / (N_MONTHS - 1)
        ndays = calendar.monthrange(y, m)[1]
        rows = []
        for _ in range(rng.randint(55, 70)):
            team, area = rng.choice(team_area)
            rows.append({"type": rng.choices(TYPES, TYPE_WEIGHTS)[0], "team": team, "area": area,
                         "date": dt.date(y, m, rng.randint(1, ndays))})  # fmt: skip
        rows.sort(key=lambda r: r["date"])  # stable: ties keep draw order
        for area, (start, end) in cat.GOOD_OR_BETTER.items():
            in_area = [r for r in rows if r["area"] == area]
            # Error diffusion keeps each area's running share of good-or-better on its story line.
            target[area] += (start + (end - start) * t) * len(in_area)
            k = min(len(in_area), max(0, round(target[area]) - given[area]))
            given[area] += k
            good = set(rng.sample(range(len(in_area)), k))
            for j, r in enumerate(in_area):
                if j in good:
                    r["overall"] = 0 if rng.random() < 0.11 else 1
                else:
                    r["overall"] = 3 if rng.random() < 0.28 else 2
        cases = [n for n, r in enumerate(rows) if r["type"] == "Case audit"]
        moderated = set(rng.sample(cases, round(0.15 * len(cases))))
        plan_theme = {a: th[(i + k) % len(th)] for k, (a, th) in enumerate(cat.THEMES.items())}
        for n, r in enumerate(rows, 1):
            area, g = r["area"], r["overall"]
            r["id"] = f"NB-{y % 100:02d}{m:02d}-{len(records) + n:04d}"
            r["month"] = i
            r["worker"] = rng.choice(workers[r["team"]])
            r["auditor"] = rng.choice([a for a, areas in auditors if area in areas])
            r["theme"] = plan_theme[area] if r["type"] == "Dip sample" else rng.choice(cat.THEMES[area])
            obs = cat.OBS_SETTINGS[area]
            r["setting"] = rng.choices(obs, [3] + [1] * (len(obs) - 1))[0] if r["type"] == "Observation" else None
            r["notified"] = rng.random() < 0.86 + 0.10 * t
            r["feedback"] = rng.random() < 0.72 + 0.16 * t
            r["feedback_date"] = r["date"] + dt.timedelta(days=rng.randint(1, 20)) if r["feedback"] else None
            domains = CORE_DOMAINS + (CASE_AUDIT_DOMAINS if r["type"] == "Case audit" else [])
            # Supervision is the weakest domain everywhere: its steps lean downwards.
            r["domains"] = {d: _step(rng, g, 0.65 if d == "Supervision" else 0.5) for d in domains}
            r["moderated"] = None
            if n - 1 in moderated:
                up_down = rng.choice([-1, 1])
                moved = g + up_down if 0 <= g + up_down <= 3 else g - up_down
                r["moderated"] = g if rng.random() < 0.6 else moved
            n_str, n_dev = (rng.choice([1, 2]), 1) if g <= 1 else (1, rng.choice([1, 2]))
            r["strengths"] = " ".join(rng.sample(cat.STRENGTHS, n_str))
            r["development"] = " ".join(rng.sample(cat.AREAS_FOR_DEVELOPMENT, n_dev))
        records.extend(rows)
    _mark_reaudits(records)
    return records


def _mark_reaudits(records: list[dict]) -> None:
    """Some later case audits re-audit an earlier less-than-good case audit of the same area and theme,
    3 to 9 months before (framework section 8). A separate random stream, so the activities and grades
    above are the same with or without re-audits."""
    rng = random.Random(cat.SEED + 8)
    originals = [r for r in records if r["type"] == "Case audit" and r["overall"] >= 2]
    taken: set[str] = set()
    for r in records:
        r["reaudit_of"] = None
        if r["type"] != "Case audit" or r["month"] < 4 or rng.random() >= 0.3:
            continue
        earlier = [o for o in originals if o["area"] == r["area"] and o["theme"] == r["theme"]
                   and 3 <= r["month"] - o["month"] <= 9 and o["id"] not in taken]
        if earlier:
            original = rng.choice(earlier)
            taken.add(original["id"])
            r["reaudit_of"] = original["id"]


def _cells(rows: list[dict], layout: Layout, rng: random.Random) -> list[list[object]]:
    """Rows as the values written to the file, with this month's typing quirks."""
    spelling: dict[str, str] = {}  # one spelling per team per file
    for team, area in [(t, a) for a, ts in cat.TEAMS.items() for t in ts]:
        options = cat.AREA_ALIASES[area]
        use_alias = layout.aliases and options and rng.random() < 0.75
        spelling[team] = rng.choice(options) if use_alias else area

    def date(d: dt.date | None) -> object:
        if d is None:
            return None
        return d.strftime("%d/%m/%Y") if layout.text_dates or layout.csv else d

    def grade(g: int | None) -> str | None:
        if g is None:
            return None
        if layout.grade_variants and rng.random() < 0.35:
            return rng.choice(GRADE_VARIANTS[g])
        return GRADES[g]

    out = []
    for r in rows:
        kind = r["type"]
        if layout.type_variants and rng.random() < 0.5:
            kind = TYPE_VARIANTS[kind]
        domains = [grade(r["domains"].get(d)) for d in CORE_DOMAINS + CASE_AUDIT_DOMAINS]
        out.append([
            r["id"], kind, date(r["date"]), spelling[r["team"]], r["team"], r["worker"], r["auditor"],
            r["theme"], r["setting"], "Yes" if r["notified"] else "No", "Yes" if r["feedback"] else "No",
            date(r["feedback_date"]), *domains, grade(r["overall"]), grade(r["moderated"]),
            r["strengths"], r["development"], r["reaudit_of"],
        ])  # fmt: skip
    return out


class _FixedTimeZip(ZipFile):
    """A ZipFile that stamps every entry with one fixed time, so saved workbooks are byte-reproducible."""

    stamp: tuple[int, int, int, int, int, int] = (2024, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def _write_xlsx(path: Path, header: list[str], cells: list[list[object]], layout: Layout, ym: tuple[int, int]):
    y, m = ym
    wb = Workbook()
    ws = wb.active
    ws.title = "Audit returns"
    if layout.sheets:
        info = wb.create_sheet("Instructions", 0)
        for line in [cat.COUNCIL, *cat.INSTRUCTIONS]:
            info.append([line])
        info["A1"].font = Font(bold=True, size=14)
        info.column_dimensions["A"].width = 100
    titles = {"T": [cat.COUNCIL + " - Children's Services QA audit return"], "B": [None],
              "M": [f"Month: {cat.MONTH_NAMES[m - 1]} {y}"]}  # fmt: skip
    for code in layout.title:
        ws.append(titles[code])
    if layout.title:
        ws["A1"].font = Font(bold=True, size=14)
    ws.append(header)
    hrow = ws.max_row
    for cell in ws[hrow]:
        cell.font = Font(bold=True)
    for row in cells:
        ws.append(row)
    for row in ws.iter_rows(min_row=hrow + 1):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = f"A{hrow + 1}"
    for c, name in enumerate(header, 1):
        longest = max([len(name)] + [len(str(r[c - 1])) for r in cells if r[c - 1] is not None])
        ws.column_dimensions[get_column_letter(c)].width = min(longest, 60) + 2
    if layout.sheets:
        lists = wb.create_sheet("Lists")
        columns = [
            ["Grades", *GRADES],
            ["Service areas", *cat.TEAMS],
            ["Activity types", *TYPES],
            ["Yes/No", "Yes", "No"],
        ]
        for c, values in enumerate(columns, 1):
            for r, value in enumerate(values, 1):
                lists.cell(row=r, column=c, value=value).font = Font(bold=r == 1)
            lists.column_dimensions[get_column_letter(c)].width = 40
    # Returned on the 3rd of the following month (fixed, so reruns are identical).
    created = dt.datetime(y + m // 12, m % 12 + 1, 3, 9, 30)
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge QA team"
    wb.properties.created = created
    wb.properties.modified = created + dt.timedelta(hours=2)
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (created.year, created.month, created.day, 9, 30, 0)
    ExcelWriter(wb, archive).save()  # not wb.save(): that stamps "modified" with the current time
    path.write_bytes(buf.getvalue())


def generate(out_dir: Path) -> list[Path]:
    """Write the 24 monthly returns into ``out_dir`` and return their paths in month order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = build_records()
    paths = []
    for i, (ym, layout) in enumerate(zip(months(), LAYOUTS, strict=True)):
        rows = [r for r in records if r["month"] == i]
        header = [HEADER_VARIANTS.get(layout.headers, {}).get(h, h) for h in HEADERS]
        cells = _cells(rows, layout, random.Random(cat.SEED + 1000 + i))
        path = out_dir / f"{ym[0]}-{ym[1]:02d}_{layout.stem}.{'csv' if layout.csv else 'xlsx'}"
        if layout.csv:
            with path.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(header)
                writer.writerows([["" if v is None else v for v in row] for row in cells])
        else:
            _write_xlsx(path, header, cells, layout, ym)
        paths.append(path)
    return paths


def summary(records: list[dict]) -> str:
    """Counts by type and area, and % good or better per area in the first and last quarter."""
    lines = [f"{len(records)} activities"]
    for kind in TYPES:
        lines.append(f"  {kind:<14}{sum(r['type'] == kind for r in records):>5}")
    lines.append(f"  {'Service area':<40}{'n':>5}{'Q1 %GoB':>9}{'Q8 %GoB':>9}")
    for area in cat.TEAMS:
        rs = [r for r in records if r["area"] == area]
        first = [r["overall"] <= 1 for r in rs if r["month"] < 3]
        last = [r["overall"] <= 1 for r in rs if r["month"] >= N_MONTHS - 3]
        lines.append(
            f"  {area:<40}{len(rs):>5}{100 * sum(first) / len(first):>8.0f}%{100 * sum(last) / len(last):>8.0f}%"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "audits", help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    print(f"Wrote {len(paths)} files to {args.out}:")
    for p in paths:
        print(f"  {p.name}")
    print(summary(build_records()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
