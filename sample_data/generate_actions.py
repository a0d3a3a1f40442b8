"""Generate Northbridge's QA action tracker: three monthly snapshots (Aug, Sep, Oct 2026).

Usage: ``python sample_data/generate_actions.py [--out DIR]`` (default: ``sample_data/actions``).

The same story as the audit returns (``sample_data/README.md``): Children in Care slips, so its
actions are completed late or not at all and it has the most overdue actions; the Front Door clears
its actions on time. Some actions come from real audits in the August 2026 audit return
(``NB-2608-xxxx``), others from thematic reviews. Each snapshot lists every action raised so far,
with its status as that month's tracker recorded it; the latest raised or completed date in each
file is its snapshot date (the loader's default): 31 Aug, 30 Sep and 30 Oct 2026.
Status and area spellings vary as hand-kept trackers do ("In Progress", "complete", "LAC", "CP").
Deterministic: a fixed seed, fixed workbook timestamps, byte-identical reruns.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import datetime as dt
import random
import sys
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import _FixedTimeZip  # noqa: E402 - the audit generator's reproducible zip writer

HERE = Path(__file__).resolve().parent
SNAPSHOTS = (dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 30))
HEADERS = [
    "Action ID",
    "Raised from",
    "Service area",
    "Action owner",
    "Date raised",
    "Due date",
    "Status",
    "Date completed",
    "Latest update",
]
# area as the tracker spells it: (number of actions, chance completed on time, real audit ids)
AREAS: dict[str, tuple[int, float, tuple[str, ...]]] = {
    "Front Door": (7, 0.9, ("NB-2608-1318", "NB-2608-1323")),
    "CP": (6, 0.7, ("NB-2608-1315", "NB-2608-1317")),
    "Adolescents": (4, 0.7, ("NB-2608-1326",)),
    "LAC": (10, 0.2, ("NB-2608-1314", "NB-2608-1312", "NB-2608-1350")),  # Children in Care slipping
    "Permanence": (4, 0.75, ("NB-2608-1320",)),
    "Leaving care": (4, 0.6, ("NB-2608-1321",)),
    "IRO": (3, 0.8, ("NB-2608-1313",)),
}
REVIEWS = ("Thematic review: neglect", "Thematic review: placement stability", "Thematic review: voice of the child")
OWNERS = ("A. Khan", "B. Osei", "C. Walsh", "D. Patel", "E. Morgan", "F. Hughes", "G. Ahmed", "H. Clarke")
UPDATES = {
    "Not started": "Not yet started; planned for the next team meeting.",
    "In progress": "Team manager reviewing cases with workers; guidance drafted.",
    "Completed": "Completed; evidence seen in re-audit.",
}
SPELLINGS = {
    "Not started": ("Not started", "Not Started", "not started"),
    "In progress": ("In progress", "In Progress", "in progress ", "Ongoing"),
    "Completed": ("Completed", "Complete", "completed"),
    "Overdue": ("Overdue", "Over due", "OVERDUE"),
}


def actions(rng: random.Random) -> list[dict[str, object]]:
    """Every action raised by the last snapshot: id, source, area, owner, raised, due, completed."""
    out: list[dict[str, object]] = []
    n = 0
    for area, (count, on_time, audit_ids) in AREAS.items():
        for k in range(count):
            n += 1
            raised = dt.date(2026, 5, 1) + dt.timedelta(days=rng.randrange(0, 170))
            due = raised + dt.timedelta(days=rng.choice((28, 42, 56, 84)))
            if rng.random() < on_time:
                completed: dt.date | None = raised + dt.timedelta(days=rng.randrange(10, (due - raised).days))
            elif rng.random() < 0.3:
                completed = due + dt.timedelta(days=rng.randrange(10, 40))
            else:
                completed = None
            source = audit_ids[k] if k < len(audit_ids) else REVIEWS[n % len(REVIEWS)]
            out.append(
                {
                    "id": f"ACT-{n:03d}",
                    "source": source,
                    "area": area,
                    "owner": rng.choice(OWNERS),
                    "raised": raised,
                    "due": due,
                    "completed": completed,
                }
            )
    # One action raised on each snapshot date, so each file's latest date is its snapshot date.
    for snap in SNAPSHOTS:
        n += 1
        out.append(
            {
                "id": f"ACT-{n:03d}",
                "source": REVIEWS[n % len(REVIEWS)],
                "area": "Front Door",
                "owner": OWNERS[n % len(OWNERS)],
                "raised": snap,
                "due": snap + dt.timedelta(days=42),
                "completed": None,
            }
        )
    return out


def status_at(action: dict[str, object], snap: dt.date, rng: random.Random) -> tuple[str, dt.date | None]:
    completed = action["completed"]
    if isinstance(completed, dt.date) and completed <= snap:
        return rng.choice(SPELLINGS["Completed"]), completed
    raised, due = action["raised"], action["due"]
    assert isinstance(raised, dt.date) and isinstance(due, dt.date)  # noqa: S101 - built above
    if due < snap and rng.random() < 0.6:
        return rng.choice(SPELLINGS["Overdue"]), None
    if (snap - raised).days > 14:
        return rng.choice(SPELLINGS["In progress"]), None
    return rng.choice(SPELLINGS["Not started"]), None


def write_snapshot(path: Path, snap: dt.date, rows: list[dict[str, object]], rng: random.Random) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Action tracker"
    ws.append([f"Northbridge Children's Services - QA action tracker as at {snap:%d/%m/%Y}"])
    ws.append([])
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for action in rows:
        if action["raised"] > snap:  # type: ignore[operator]
            continue
        status, completed = status_at(action, snap, rng)
        key = (
            "Completed"
            if completed
            else ("In progress" if "progress" in status.lower() or status == "Ongoing" else "Not started")
        )
        ws.append(
            [
                action["id"],
                action["source"],
                action["area"],
                action["owner"],
                action["raised"],
                action["due"],
                status,
                completed,
                UPDATES[key],
            ]
        )
        for cell in ws[ws.max_row][4:6] + ws[ws.max_row][7:8]:
            cell.number_format = "dd/mm/yyyy"
    for letter, width in zip("ABCDEFGHI", (10, 34, 16, 12, 12, 12, 14, 14, 60), strict=True):
        ws.column_dimensions[letter].width = width
    created = dt.datetime(snap.year, snap.month, snap.day, 17, 0)
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge QA unit"
    wb.properties.created, wb.properties.modified = created, created
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (snap.year, snap.month, snap.day, 17, 0, 0)
    ExcelWriter(wb, archive).save()
    path.write_bytes(buf.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "actions")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261030)
    rows = actions(rng)
    for snap in SNAPSHOTS:
        write_snapshot(args.out / f"{snap:%Y-%m-%d}_action_tracker.xlsx", snap, rows, random.Random(snap.toordinal()))
    print(f"wrote {len(SNAPSHOTS)} action tracker snapshots to {args.out}")


if __name__ == "__main__":
    main()
