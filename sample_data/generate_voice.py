"""Generate Northbridge's voice of children and families: two surveys and a complaints log.

Usage: ``python sample_data/generate_voice.py [--out DIR]`` (default: ``sample_data/voice``).

The same story as the audits and KPIs (``sample_data/README.md``): Children in Care is slipping, so
its young people and carers answer less positively than the other areas. Twelve months, Nov 2025 to
Oct 2026. Deterministic: fixed seeds, fixed workbook timestamps, byte-identical reruns.

- ``speakerbox_young_people_survey.xlsx``: the young people's forum survey ("Speakerbox"), wide (one
  row per response, one column per question), under a title row, Likert, yes/no, 1-5 and free text;
- ``parents_carers_survey.csv``: the parents' and carers' survey, long (one row per response and
  question), Likert and free text;
- ``complaints_compliments.csv``: the complaints and compliments log.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import csv
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
MONTHS = [dt.date(2025 + (10 + k) // 12, (10 + k) % 12 + 1, 1) for k in range(12)]  # Nov 2025 .. Oct 2026
LIKERT = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")
# area: (responses a month, chance of a positive answer); Children in Care answers less positively.
YOUNG_PEOPLE = {
    "Children in Care": (5, 0.52),
    "Care Leavers": (3, 0.74),
    "Vulnerable Adolescents": (2, 0.70),
    "Children in Need and Child Protection": (3, 0.76),
}
PARENTS = {
    "Children in Care": (3, 0.48),
    "Children in Need and Child Protection": (4, 0.72),
    "Front Door": (3, 0.75),
    "Permanence": (2, 0.80),
}
YP_QUESTIONS = (
    "My social worker listens to me",
    "I feel safe where I live",
    "I know who my social worker is",
    "How happy are you with the help you get? (1-5)",
)
PARENT_QUESTIONS = (
    "The social worker explained what would happen next",
    "I was treated with respect",
    "Things are better for my family because of the help",
)
COMMENTS_GOOD = ("My worker always rings me back.", "They helped me sort out college.", "I like the forum.")
COMMENTS_POOR = (
    "I have had three social workers this year.",
    "Nobody told me about my move.",
    "I don't get to see my brother enough.",
)
PARENT_SURVEY = "Parents and carers survey"
CATEGORIES = ("Communication", "Placement", "Contact arrangements", "Delay", "Staff conduct")


def _likert(rng: random.Random, p: float) -> str:
    return rng.choice(LIKERT[:2]) if rng.random() < p else rng.choice(LIKERT[2:])


def _day(rng: random.Random, month: dt.date) -> dt.date:
    return month.replace(day=rng.randint(1, 28))


def _speakerbox(path: Path, rng: random.Random) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Speakerbox"
    ws.append(["Northbridge Speakerbox - young people's survey, Nov 2025 to Oct 2026"])
    ws.append(
        [
            "Survey",
            "Response ID",
            "Respondent type",
            "Service area",
            "Date",
            *YP_QUESTIONS,
            "Anything else you want to say?",
        ]
    )
    for cell in ws[2]:
        cell.font = Font(bold=True)
    n = 0
    for month in MONTHS:
        for area, (count, p) in YOUNG_PEOPLE.items():
            for _ in range(count):
                n += 1
                happy = rng.randint(4, 5) if rng.random() < p else rng.randint(1, 3)
                comment = rng.choice(COMMENTS_GOOD if rng.random() < p else COMMENTS_POOR) if n % 3 == 0 else None
                ws.append(
                    [
                        "Speakerbox",
                        f"SB-{n:04d}",
                        "Young person",
                        area,
                        _day(rng, month),
                        _likert(rng, p),
                        _likert(rng, p),
                        "Yes" if rng.random() < p + 0.15 else "No",
                        happy,
                        comment,
                    ]
                )
                ws.cell(ws.max_row, 5).number_format = "dd/mm/yyyy"
    created = dt.datetime(2026, 11, 3, 9, 0)
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge participation team"
    wb.properties.created, wb.properties.modified = created, created
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (2026, 11, 3, 9, 0, 0)
    ExcelWriter(wb, archive).save()
    path.write_bytes(buf.getvalue())


def _parents(path: Path, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Survey", "Response ID", "Respondent type", "Service area", "Date", "Question", "Answer"])
        n = 0
        for month in MONTHS:
            for area, (count, p) in PARENTS.items():
                for _ in range(count):
                    n += 1
                    who, when = rng.choice(("Parent", "Carer", "Parent/carer")), _day(rng, month)
                    first = [PARENT_SURVEY, f"PC-{n:04d}", who, area, f"{when:%d/%m/%Y}"]
                    for question in PARENT_QUESTIONS:
                        out.writerow([*first, question, _likert(rng, p)])
                    if n % 4 == 0:
                        text = rng.choice(COMMENTS_GOOD[:1] if rng.random() < p else COMMENTS_POOR[:2])
                        out.writerow([*first, "Any other comments", text])


def _complaints(path: Path, rng: random.Random) -> None:
    areas = ("Front Door", "Children in Need and Child Protection", "Children in Care", "Care Leavers", "Permanence")
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Reference", "Type", "Date received", "Service area", "Category", "Stage", "Outcome"])
        n = 0
        for month in MONTHS:
            for area in areas:
                slipping = area == "Children in Care"
                for _ in range(rng.randint(2, 4) if slipping else rng.randint(0, 2)):
                    n += 1
                    stage = rng.choices(("1", "2", "3", "Ombudsman"), (80, 14, 4, 2))[0]
                    outcome = rng.choices(
                        ("Upheld", "Partially upheld", "Not upheld"), (45, 15, 40) if slipping else (25, 15, 60)
                    )[0]
                    out.writerow(
                        [
                            f"C{n:04d}",
                            "Complaint",
                            f"{_day(rng, month):%d/%m/%Y}",
                            area,
                            rng.choice(CATEGORIES),
                            stage,
                            outcome,
                        ]
                    )
                for _ in range(rng.randint(0, 1) if slipping else rng.randint(1, 3)):
                    n += 1
                    out.writerow([f"C{n:04d}", "Compliment", f"{_day(rng, month):%d/%m/%Y}", area, "", "", ""])


def generate(out_dir: Path) -> list[Path]:
    """Write the three files into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        out_dir / "speakerbox_young_people_survey.xlsx",
        out_dir / "parents_carers_survey.csv",
        out_dir / "complaints_compliments.csv",
    ]
    _speakerbox(paths[0], random.Random(2611))
    _parents(paths[1], random.Random(2612))
    _complaints(paths[2], random.Random(2613))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "voice")
    for path in generate(parser.parse_args().out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
