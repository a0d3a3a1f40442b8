"""The benchmark's audit workbook: a realistic monthly return of any size, generated once with
openpyxl's write-only mode (fixed seed) and cached in benchmarks/out/ (git-ignored)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 1  # bump when the generated workbook changes, so the cache is rebuilt

# --- The workbook ------------------------------------------------------------------------------------

HEADERS = [
    "Audit ID", "Activity type", "Date of audit", "Service area", "Team", "Social worker", "Auditor",
    "Theme", "Safeguarding and thresholds", "Direct work and voice of the child",
    "Oversight of casework and decisions", "Supervision", "Chronology", "Assessment", "Planning",
    "Recording", "Overall grade", "Moderated grade", "Worker notified", "Feedback given", "Feedback date",
    "Strengths", "Areas for development",
]  # fmt: skip
SERVICE_AREAS = {  # canonical name: what some teams type instead
    "Front Door": ["MASH", "Front door"],
    "Children in Need and Child Protection": ["CIN/CP", "Child Protection"],
    "Vulnerable Adolescents": ["Adolescents"],
    "Children in Care": ["CLA", "Looked After Children"],
    "Permanence": ["permanence"],
    "Care Leavers": ["Leaving Care", "16+"],
    "Quality Assurance Unit": ["IRO Service"],
}
ACTIVITIES = [("Case audit", 35), ("Dip sample", 40), ("Observation", 25)]
ACTIVITY_SPELLINGS = {
    "Case audit": ["Case audit", "Case audit", "Case Audit", "Full case audit"],
    "Dip sample": ["Dip sample", "Dip sample", "Dip Sample", "dip"],
    "Observation": ["Observation", "Practice observation", "Observation"],
}
GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
GRADE_SPELLINGS = [  # canonical most of the time, then what people type
    ["Outstanding", "Outstanding", "Outstanding", "outstanding"],
    ["Good", "Good", "Good", "good", "Good ", "G"],
    ["Requires improvement", "Requires improvement", "RI", "Requires improvement to be good", "ri"],
    ["Inadequate", "Inadequate", "Inadequate", "inadequate"],
]
THEMES = [
    "Neglect", "Domestic abuse", "Child exploitation", "Missing from home", "Parental mental health",
    "Substance misuse", "Pre-proceedings", "Disabled children", "Placement stability",
    "Pathway planning", "Strategy discussions", "Section 47 enquiries", "Voice of the child",
    "Care planning", "Early help step-down",
]  # fmt: skip
FIRST = ["Amira", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran", "Jess", "Kofi",
         "Laura", "Mohammed", "Nadia", "Owen", "Priya", "Ruth", "Sam", "Tom", "Yasmin"]  # fmt: skip
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Khan", "Lewis", "Morris",
        "Okafor", "Patel", "Roberts", "Shah", "Taylor", "Walsh", "Wilson", "Wright"]  # fmt: skip
S_OPEN = [
    "The social worker", "The worker", "The team manager", "The plan", "Recording", "The assessment",
    "Direct work", "Management oversight", "Multi-agency working", "The chronology",
]
S_STRENGTH = [
    "clearly captures the child's wishes and feelings", "shows a good understanding of risk",
    "is up to date and written to the child", "was timely and well evidenced",
    "shows creative direct work using age-appropriate tools", "reflects strong relationships with the family",
    "makes good use of partner agency information", "demonstrates persistent and curious practice",
    "sets out clear, SMART actions", "analyses the impact of neglect on the child",
    "records the rationale for decisions", "shows the child was seen alone on every visit",
]
S_DEVELOP = [
    "needs to evidence the child's lived experience", "should be updated after each significant event",
    "lacks analysis of the father's role", "does not set timescales for actions",
    "should record the rationale for step-down", "needs clearer contingency planning",
    "would benefit from a genogram and ecomap", "does not reflect recent police information",
    "needs management oversight at key decision points", "should be shared with the family",
    "is overdue and should be completed", "would benefit from the child's own words",
]
S_TAIL = ["", "", "", " This was discussed in supervision.", " Agreed with the team manager.",
          " See case note of {d}.", " Follow up in {n} weeks.", " (visit {n} of the plan)"]  # fmt: skip


def _sentences(rng: random.Random, middles: list[str], k: int) -> str:
    parts = []
    for _ in range(k):
        tail = rng.choice(S_TAIL).format(d=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}", n=rng.randint(2, 12))
        parts.append(f"{rng.choice(S_OPEN)} {rng.choice(middles)}.{tail}")
    return " ".join(parts)


def workbook_path(rows: int) -> Path:
    return OUT / f"audits_{rows}_v{GENERATOR_VERSION}.xlsx"


def generate(rows: int, path: Path, seed: int = 20261126) -> None:
    """Write a `rows`-row audit return with openpyxl's write_only mode (deterministic for a seed)."""
    rng = random.Random(seed)
    areas = list(SERVICE_AREAS)
    kinds = ["Assessment", "Family Support", "Safeguarding", "Care", "Support"]
    teams = [(f"{areas[i % 7].split()[-1]} {kinds[i % 5]} Team {i + 1}", areas[i % 7]) for i in range(25)]
    names = [f"{f} {s}" for f in FIRST for s in LAST]
    rng.shuffle(names)
    workers = names[:150]
    auditors = names[150:170]
    team_workers = {t: workers[6 * i: 6 * i + 6] for i, (t, _a) in enumerate(teams)}
    start = dt.date(2025, 11, 1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Audit return")
    ws.append(["Northbridge City Council - Children's Services quality assurance audit return"])
    ws.append([f"Generated for the load benchmark: {rows:,} activities"])
    ws.append(HEADERS)
    activity_names = [a for a, _w in ACTIVITIES]
    activity_weights = [w for _a, w in ACTIVITIES]
    for i in range(rows):
        team, area = rng.choice(teams)
        activity = rng.choices(activity_names, activity_weights)[0]
        audit_date = start + dt.timedelta(days=rng.randint(0, 360))
        overall = rng.choices(range(4), [10, 50, 30, 10])[0]

        def grade(g: int) -> str:
            return rng.choice(GRADE_SPELLINGS[g])

        def near(g: int) -> int:
            r = rng.random()
            return g if r < 0.6 else min(3, max(0, g + (1 if r < 0.82 else -1)))

        core = [grade(near(overall)) for _ in range(3)]
        supervision = grade(near(overall)) if rng.random() < 0.97 else None
        case = [grade(near(overall)) if rng.random() < 0.95 else "N/A" for _ in range(4)] \
            if activity == "Case audit" else [None] * 4
        moderated = grade(near(overall)) if rng.random() < 0.2 else None
        feedback = rng.random() < 0.8
        feedback_date = audit_date + dt.timedelta(days=rng.randint(1, 21)) if feedback else None
        area_cell = rng.choice(SERVICE_AREAS[area]) if rng.random() < 0.1 else area
        ws.append([
            f"NB-{audit_date:%y%m}-{i + 1:06d}",
            rng.choice(ACTIVITY_SPELLINGS[activity]),
            dt.datetime.combine(audit_date, dt.time()),
            area_cell,
            team,
            rng.choice(team_workers[team]),
            rng.choice(auditors),
            rng.choice(THEMES),
            *core, supervision, *case,
            grade(overall), moderated,
            rng.choice(["Yes", "Yes", "Yes", "yes", "Y", "No"]),
            rng.choice(["Yes", "yes", "Y"]) if feedback else rng.choice(["No", "no", "N"]),
            dt.datetime.combine(feedback_date, dt.time()) if feedback_date else None,
            _sentences(rng, S_STRENGTH, rng.choice([1, 1, 2, 3])),
            _sentences(rng, S_DEVELOP, rng.choice([1, 2, 2])) if rng.random() < 0.9 else None,
        ])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


