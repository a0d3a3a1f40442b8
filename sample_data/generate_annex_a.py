"""Generate Northbridge's monthly Annex A snapshots (Lists 1-11), May 2026 to October 2026.

Usage: ``python sample_data/generate_annex_a.py [--out DIR]`` (default: ``sample_data/annex_a``).

One workbook per month, ``YYYY-MM_annex_a.xlsx``, its reference date the month's last day: sheets
``List 1`` .. ``List 11`` with the 2019 template's headers (``loaders.annex_a_lists``), a title row
above the headers on some lists, fake child-level rows (ids like ``NB123456``, no names; teams and
workers from the audit returns' staff). The KPIs follow ``sample_data/README.md``'s story: the Front
Door improves (assessments in 45 working days up, re-referrals down), Children in Care slips (more
children with 3+ placements, fewer health assessments in time), the rest are steady. Each KPI's
numerator is an exact quota of its cohort (``STORY``), so the monthly values sit on the story line.
Quirks: codes lettered (``b) No``, ``a) WBRI: White British``) in May, July and September, plain
(``No``, ``WBRI``; ``Y``/``N`` in October) in the other months; dates are Excel dates with a few
``dd/mm/yyyy`` text cells; a few ``#N/A`` and blank cells in columns no KPI reads.
Deterministic: fixed seeds, fixed workbook timestamps, byte-identical reruns.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse
import calendar
import datetime as dt
import random
import sys
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(HERE), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
import northbridge_catalogue as cat  # noqa: E402
from generate import _FixedTimeZip, _staff  # noqa: E402 - the audit generator's zip writer and staff

from loaders.annex_a_lists import CODE_LISTS, LIST_BY_NUMBER  # noqa: E402

MONTHS = [(2026, m) for m in range(5, 11)]  # May .. Oct 2026
TITLED = {1, 3, 4, 7, 8, 9}  # lists with a title row above the headers
# KPI: (May 2026 value, Oct 2026 value) in %, a straight line between (on the line of the KPI extract,
# generate_kpis.STORY, where it has the KPI); each numerator is an exact quota of its cohort.
STORY: dict[str, tuple[float, float]] = {
    "assessments_45wd": (87, 91), "re_referrals": (19, 17),  # Front Door improving
    "icpc_15wd": (83, 84), "repeat_cp_plans": (19.5, 19), "cp_visits": (90.5, 91), "cp_seen_alone": (76, 76),
    "cla_3_placements": (11.5, 13.5), "cla_health": (84, 80),  # Children in Care slipping
    "cla_dental": (82, 82), "cla_missing": (10, 10), "cla_return": (85, 85),
    "cl_in_touch": (92, 92), "cl_suitable": (88, 88), "cl_eet": (55, 56),
}
SIZES = {1: 150, 2: 12, 3: 80, 4: 70, 5: 30, 6: 25, 7: 60, 8: 120, 9: 60, 10: 8, 11: 6}
D = dt.timedelta


def _ref(k: int) -> dt.date:
    y, m = MONTHS[k]
    return (dt.date(y + m // 12, m % 12 + 1, 1)) - D(days=1)


def _share(code: str, k: int) -> float:
    first, last = STORY[code]
    return (first + (last - first) * k / (len(MONTHS) - 1)) / 100


def _quota(rng: random.Random, n: int, p: float) -> list[bool]:
    """n flags, round(p * n) of them True, in random order."""
    flags = [i < round(p * n) for i in range(n)]
    rng.shuffle(flags)
    return flags


class Snapshot:
    """One month's rows, as canonical values (codes canonical, dates as dt.date) per list."""

    def __init__(self, k: int) -> None:
        self.k, self.ref = k, _ref(k)
        self.rng = random.Random(cat.SEED + 7000 + k)
        y, m = MONTHS[k]  # the KPI period's first day: the day after the reference date less 6 months
        by, bm = y - (m <= 6), (m - 7) % 12 + 1
        self.start = dt.date(by, bm, min(self.ref.day, calendar.monthrange(by, bm)[1])) + D(days=1)
        self.workers, _ = _staff(random.Random(cat.SEED))
        self.ids: set[str] = set()

    def n(self, lst: int) -> int:
        return SIZES[lst] + self.rng.randint(-SIZES[lst] // 10, SIZES[lst] // 10)

    def day_in(self, first: dt.date, last: dt.date) -> dt.date:
        return first + D(days=self.rng.randint(0, max(0, (last - first).days)))

    def child(self, low: int = 0, high: int = 17, unborn: bool = False) -> dict[str, object]:
        r = self.rng
        while (cid := f"NB{r.randint(100000, 999999)}") in self.ids:
            pass
        self.ids.add(cid)
        age = r.randint(low, high)
        dob = self.ref.replace(year=self.ref.year - age - 1) + D(days=r.randint(1, 364))
        if unborn:
            age, dob = -1, self.ref + D(days=r.randint(20, 150))
        return {"child_unique_id": cid, "gender": r.choice(["Male", "Female", "Male", "Female", "Not stated/recorded"]),
                "ethnicity": r.choices(["WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "OOTH", "NOBT"],
                                       [60, 6, 5, 5, 6, 5, 3, 4, 2])[0],
                "date_of_birth": dob, "age_of_child_years": age,
                "does_the_child_have_a_disability": r.choices(["No", "Yes", "Unknown"], [85, 10, 5])[0]}

    def staff(self, area: str) -> dict[str, object]:
        team = self.rng.choice(cat.TEAMS[area])
        return {"allocated_team": team, "allocated_worker": self.rng.choice(self.workers[team])}

    def build(self) -> dict[int, list[dict[str, object]]]:
        return {n: getattr(self, f"list_{n}")(self.n(n)) for n in range(1, 12)}

    def list_1(self, n: int) -> list[dict[str, object]]:
        sources = ["1A", "2A", "2B", "3A", "3B", "4", "5A", "6", "6", "6", "8", "9"]
        return [{**self.child(), "date_of_contact": self.day_in(self.start, self.ref),
                 "contact_source": self.rng.choice(sources)} for _ in range(n)]

    def list_2(self, n: int) -> list[dict[str, object]]:
        out = []
        for _ in range(n):
            started = self.day_in(self.start, self.ref - D(days=10))
            done = started + D(days=self.rng.randint(20, 60))
            out.append({**self.child(), "assessment_start_date": started,
                        "assessment_completion_date": done if done <= self.ref else None,
                        "organisation_completing_assessment": self.rng.choice(
                            ["Northbridge Early Help Hub", "Northbridge Primary Schools", "Family Hub North"])})
        return out

    def list_3(self, n: int) -> list[dict[str, object]]:
        out = []
        for again in _quota(self.rng, n, _share("re_referrals", self.k)):
            out.append({**self.child(), "date_of_referral": self.day_in(self.start, self.ref),
                        "referral_source": self.rng.choice(["6", "6", "2A", "3A", "5A", "1A", "8"]),
                        "referral_nfa": "Yes" if self.rng.random() < 0.1 else "No",
                        "number_of_referrals_in_last_12_months": self.rng.randint(1, 3) if again else 0,
                        **self.staff("Front Door")})
        return out

    def list_4(self, n: int) -> list[dict[str, object]]:
        r, ref = self.rng, self.ref
        recent = max(3, n // 9)  # still open, not yet past 45 working days: outside the KPI
        kinds = ["recent"] * recent
        for on_time in _quota(r, n - recent, _share("assessments_45wd", self.k)):
            kinds.append("on" if on_time else r.choice(["late", "late", "open"]))
        r.shuffle(kinds)
        out = []
        for kind in kinds:
            authorised = ref - D(days=r.randint(0, (ref - self.start).days))
            if kind == "on":
                started = authorised - D(days=r.randint(10, 55))
            elif kind == "late":
                started = authorised - D(days=r.randint(75, 110))
            else:
                authorised = None
                started = ref - (D(days=r.randint(80, 130)) if kind == "open" else D(days=r.randint(3, 35)))
            out.append({**self.child(), "continuous_assessment_start_date": started,
                        "child_seen_during_continuous_assessment": "Yes" if r.random() < 0.95 else "No",
                        "continuous_assessment_date_of_authorisation": authorised,
                        "was_the_child_assessed_as_requiring_la_children_s_social_care_support":
                            None if authorised is None else ("Yes" if r.random() < 0.6 else "No"),
                        **self.staff("Front Door")})
        return out

    def list_5(self, n: int) -> list[dict[str, object]]:
        r, ref = self.rng, self.ref
        needed = [i for i in range(n) if i % 5 not in (1, 3)]  # about 60% need an ICPC
        on_time = dict(zip(needed, _quota(r, len(needed), _share("icpc_15wd", self.k)), strict=True))
        out = []
        for i in range(n):
            row = {**self.child(), "was_an_initial_child_protection_conference_deemed_unnecessary": "Yes",
                   "date_of_initial_child_protection_conference": None,
                   "did_the_initial_child_protection_conference_result_in_a_child_protection_plan": None,
                   "number_of_section_47_enquiries_in_the_last_12_months": r.choice([1, 1, 1, 2]),
                   "number_of_icpcs_in_the_last_12_months": 0, **self.staff(r.choice(
                       ["Front Door", "Children in Need and Child Protection"]))}
            strategy = self.day_in(self.start, ref - D(days=50))
            if i in on_time:
                row.update(was_an_initial_child_protection_conference_deemed_unnecessary="No",
                           date_of_initial_child_protection_conference=strategy + D(
                               days=r.randint(7, 18) if on_time[i] else r.randint(30, 45)),
                           did_the_initial_child_protection_conference_result_in_a_child_protection_plan=(
                               "Yes" if r.random() < 0.8 else "No"),
                           number_of_icpcs_in_the_last_12_months=1)
            elif i == 1:  # strategy discussion last week, no ICPC decision yet: outside the KPI
                strategy, row["was_an_initial_child_protection_conference_deemed_unnecessary"] = ref - D(days=4), None
            row["strategy_discussion_initiating_section_47_enquiry_start_date"] = strategy
            out.append(row)
        return out

    def list_6(self, n: int) -> list[dict[str, object]]:
        r = self.rng
        return [{**self.child(), "cin_start_date": self.day_in(self.ref - D(days=400), self.ref - D(days=20)),
                 "primary_need_code": r.choice(["N1", "N1", "N2", "N4", "N5", "N3"]),
                 "date_child_was_last_seen": self.ref - D(days=r.randint(1, 40)), "cin_closure_date": None,
                 "reason_for_closure": None, "case_status": "Child in need plan",
                 **self.staff("Children in Need and Child Protection")} for _ in range(n)]

    def list_7(self, n: int) -> list[dict[str, object]]:
        r, ref = self.rng, self.ref
        ended = max(5, n // 7)
        open_born = n - ended - 2
        visited = _quota(r, open_born, _share("cp_visits", self.k))
        alone = _quota(r, open_born, _share("cp_seen_alone", self.k))
        fresh = [i for i in range(n) if i >= ended]  # open plans; those starting in the period:
        repeat = dict(zip(fresh, _quota(r, len(fresh), _share("repeat_cp_plans", self.k)), strict=True))
        out = []
        for i in range(n):
            unborn = i >= n - 2
            row = {**self.child(5 if i < ended else 0, 15, unborn),
                   **self.staff("Children in Need and Child Protection")}
            if i < ended:  # ended in the period; one lasted over two years
                end = self.day_in(self.start, ref)
                start = end - D(days=800 if i == 0 else r.randint(120, 500))
            else:
                start, end = self.day_in(self.start, ref - D(days=25)), None
            j = max(0, i - ended)
            visit = None if unborn else ref - D(days=r.randint(0, 9) if visited[j] else r.randint(25, 45))
            abuse = r.choice(["Neglect", "Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse"])
            row.update(child_protection_plan_start_date=start, initial_category_of_abuse=abuse,
                       latest_category_of_abuse=abuse, date_of_the_last_statutory_visit=visit,
                       was_the_child_seen_alone=None if unborn else (
                           "Yes" if alone[j] else r.choice(["No", "Unknown"])) if i >= ended else "Yes",
                       date_of_latest_review_conference=start + D(days=r.randint(60, 90)) if
                       start + D(days=90) < ref else None, child_protection_plan_end_date=end,
                       subject_to_emergency_protection_order_or_protected_under_police_powers_in_last_six_months_y_n=(
                           "Yes" if r.random() < 0.05 else "No"),
                       number_of_previous_child_protection_plans=r.randint(1, 2) if repeat.get(i) else 0)
            if i < ended:
                row.update(date_of_the_last_statutory_visit=end - D(days=r.randint(1, 9)))
            out.append(row)
        return out

    def list_8(self, n: int) -> list[dict[str, object]]:
        r, ref = self.rng, self.ref
        ceased = n // 12
        children = [self.child(0, 17) for _ in range(n)]
        starts = [max(c["date_of_birth"] + D(days=3), ref - D(days=int(365 * r.choice([0.4, 0.8, 1.5, 2, 3, 4, 6]))
                                                             + r.randint(0, 90))) for c in children]
        long_in = [i >= ceased and starts[i] <= ref - D(days=366) for i in range(n)]  # the health cohort
        cohort = [i for i in range(n) if long_in[i]]
        health = dict(zip(cohort, _quota(r, len(cohort), _share("cla_health", self.k)), strict=True))
        dental = dict(zip(cohort, _quota(r, len(cohort), _share("cla_dental", self.k)), strict=True))
        moves = _quota(r, n - ceased, _share("cla_3_placements", self.k))
        missing = _quota(r, n, _share("cla_missing", self.k))
        out = []
        for i in range(n):
            row = {**children[i], "unaccompanied_asylum_seeking_child_uasc_within_the_last_12_months_y_n":
                   "Yes" if r.random() < 0.05 else "No"}
            age, start = row["age_of_child_years"], starts[i]
            many = i >= ceased and moves[i - ceased]
            placed = max(start, ref - D(days=r.randint(20, 300) if many else r.randint(100, 1500)))
            h_ok, d_ok = health.get(i, True), dental.get(i, True)
            h_days = r.randint(10, 150) if h_ok else r.randint(200, 330) if age < 5 else r.randint(380, 500)
            went = missing[i]
            row.update(
                date_started_to_be_looked_after=start,
                child_s_category_of_need=r.choice(["N1", "N1", "N1", "N4", "N5", "N2", "N8"]),
                is_this_a_second_or_subsequent_period_of_being_a_looked_after_child_within_the_last_12_months_y_n=(
                    "Yes" if r.random() < 0.06 else "No"),
                start_date_of_current_legal_status=start + D(days=r.randint(0, 60)) if
                start + D(days=60) < ref else start, child_s_legal_status=r.choice(["C2", "C2", "C1", "V2", "E1"]),
                date_of_latest_statutory_review=ref - D(days=r.randint(5, 170)),
                date_of_last_social_work_visit=ref - D(days=r.randint(1, 50)),
                what_is_the_permanence_plan_for_this_child=r.choice(
                    ["Long-term fostering", "Return to family", "Adoption", "SGO/CAO", "Long-term fostering"]),
                date_of_last_iro_visit_contact_to_the_child=ref - D(days=r.randint(5, 170)),
                date_of_last_health_assessment=ref - D(days=h_days),
                date_of_last_dental_check=ref - D(days=r.randint(20, 330) if d_ok else r.randint(380, 600)),
                number_of_placements_in_the_last_12_months=r.randint(3, 5) if many else r.choice([1, 1, 1, 2]),
                date_ceased_to_be_looked_after=None, reason_ceased_to_be_looked_after=None,
                start_date_of_most_recent_placement=placed,
                placement_type=r.choice(["U4", "U6", "U6", "U1", "U3", "K2", "P1", "A4"] if age < 16 else
                                        ["U4", "U6", "K2", "H5", "P2"]),
                placement_provider=r.choice(["PR1", "PR1", "PR4", "PR5", "PR2"]),
                placement_postcode=f"NB{r.randint(1, 9)} {r.randint(1, 9)}{r.choice('ABDEFGHJ')}{r.choice('LNPQRSTU')}",
                urn_of_placement=f"SC{r.randint(100000, 999999)}" if r.random() < 0.3 else None,
                placement_location="In" if r.random() < 0.8 else "Out",
                la_of_placement="Northbridge" if r.random() < 0.8 else r.choice(["Eastmoor", "Westvale"]),
                number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months=(
                    r.randint(1, 6) if went else 0),
                number_of_episodes_the_child_has_been_absent_from_their_placement_in_the_last_12_months=(
                    r.choice([0, 0, 0, 1, 2])),
                was_the_child_offered_a_return_interview_after_their_last_missing_episode_y_n=(
                    ("Yes" if r.random() < _share("cla_return", self.k) else "No") if went else None),
                did_the_child_accept_a_return_interview_after_their_last_missing_episode_y_n=(
                    r.choice(["Yes", "No", "Unknown"]) if went else None),
                **self.staff("Children in Care"))
            if i < ceased:  # left care in the period
                row.update(date_ceased_to_be_looked_after=self.day_in(max(self.start, start), ref - D(days=1)),
                           reason_ceased_to_be_looked_after=r.choice(["E4A", "E11", "E45", "E5", "E13"]))
            out.append(row)
        return out

    def list_9(self, n: int) -> list[dict[str, object]]:
        r, k = self.rng, self.k
        touch, ok, eet = (_quota(r, n, _share(c, k)) for c in ("cl_in_touch", "cl_suitable", "cl_eet"))
        out = []
        for i in range(n):
            row = {**self.child(17, 22), **self.staff("Care Leavers")}
            age = row["age_of_child_years"]
            row.update(
                unaccompanied_asylum_seeking_child_uasc_or_formerly_uasc_if_18_or_over_y_n=(
                    "Yes" if i % 9 == 0 else "No"),
                allocated_personal_advisor=r.choice(self.workers[r.choice(cat.TEAMS["Care Leavers"])]),
                eligibility_category="Relevant child" if age < 18 else "Former relevant child",
                latest_pathway_plan_review_date=self.ref - D(days=r.randint(10, 200)),
                la_in_touch="Yes" if touch[i] else r.choice(["No", "No", "REFU", "NREQ"]),
                latest_date_of_contact=self.ref - D(days=r.randint(1, 60)),
                type_of_accommodation=r.choice(["D", "D", "U", "Z", "E", "B", "T"] if ok[i] else ["S", "W", "X"]),
                suitability_of_accommodation="Suitable" if ok[i] else "Unsuitable",
                activity_status=r.choice(["F1", "F2", "F3", "P3", "P2"] if eet[i] else ["G4", "G5", "G6"]))
            out.append(row)
        return out

    def list_10(self, n: int) -> list[dict[str, object]]:
        out = []
        for i in range(n):
            row = self.child(1, 4)
            entered = max(row["date_of_birth"], self.ref - D(days=self.rng.randint(300, 700)))
            decision = entered + D(days=120)
            row.update(family_identifier=f"NBF{2000 + self.k * 20 + i // 2}",
                       date_the_child_entered_care=entered,
                       date_of_decision_that_child_should_be_placed_for_adoption=decision,
                       date_of_placement_order=decision + D(days=60),
                       date_of_matching_child_and_prospective_adopters=(decision + D(days=150)) if i % 2 else None)
            out.append(row)
        return out

    def list_11(self, n: int) -> list[dict[str, object]]:
        out = []
        for i in range(n):
            enquiry = self.ref - D(days=self.rng.randint(100, 400))
            out.append({"individual_adopter_identifier": f"NBA{3000 + self.k * 10 + i}",
                        "family_identifier": f"NBF{3000 + self.k * 10 + i // 2}",
                        "gender": self.rng.choice(["Male", "Female"]), "ethnicity": "WBRI", "disability": "No",
                        "is_the_prospective_adopter_fostering_for_adoption": "No",
                        "date_enquiry_received": enquiry, "date_stage_1_started": enquiry + D(days=20),
                        "date_stage_1_ended": enquiry + D(days=80)})
        return out


def _letter(i: int) -> str:
    return chr(97 + i) if i < 26 else chr(96 + i // 26) + chr(97 + i % 26)


def _render_code(codes: str, value: str, style: str) -> str:
    options = CODE_LISTS[codes]
    i, (code, label) = next((i, o) for i, o in enumerate(options) if o[0] == value)
    if style == "lettered":
        return f"{_letter(i)}) {label}" if code == label else f"{_letter(i)}) {code}: {label}"
    if style == "yn" and codes.startswith("yes_no") and value != "Unknown":
        return value[0]
    return code


def _cells(number: int, rows: list[dict[str, object]], style: str, rng: random.Random) -> list[list[object]]:
    spec = LIST_BY_NUMBER[number]
    out = []
    for row in rows:
        if unknown := set(row) - {c.name for c in spec.columns} - {"does_the_child_have_a_disability"}:
            raise KeyError(f"List {number} has no column(s) {sorted(unknown)}")
        line: list[object] = []
        for col in spec.columns:
            value = row.get(col.name)
            if value is not None and col.kind == "code":
                value = _render_code(col.codes or "", str(value), style)
            elif isinstance(value, dt.date) and rng.random() < 0.03:
                value = f"{value:%d/%m/%Y}"  # typed as text
            if col.name in ("ethnicity", "allocated_worker", "urn_of_placement") and rng.random() < 0.03:
                value = rng.choice(["#N/A", "N/A", None])  # an Excel error cell, a text marker, a blank
            line.append(value)
        out.append(line)
    return out


def _write(path: Path, k: int, rows: dict[int, list[dict[str, object]]]) -> None:
    ref = _ref(k)
    style = "yn" if k == 5 else ("lettered" if k % 2 == 0 else "plain")
    rng = random.Random(cat.SEED + 8000 + k)
    wb = Workbook()
    wb.remove(wb.active)
    for number in range(1, 12):
        spec = LIST_BY_NUMBER[number]
        ws = wb.create_sheet(f"List {number}")
        if number in TITLED:
            ws.append([f"List {number}: {spec.title} - {cat.COUNCIL} - as at {ref:%d/%m/%Y}"])
            ws["A1"].font = Font(bold=True)
        ws.append([c.header for c in spec.columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for line in _cells(number, rows[number], style, rng):
            ws.append(line)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    created = dt.datetime.combine(ref + D(days=3), dt.time(8, 15))
    wb.properties.creator = wb.properties.lastModifiedBy = "Northbridge performance team"
    wb.properties.created = wb.properties.modified = created
    buf = BytesIO()
    archive = _FixedTimeZip(buf, "w", ZIP_DEFLATED)
    archive.stamp = (created.year, created.month, created.day, 8, 15, 0)
    ExcelWriter(wb, archive).save()
    path.write_bytes(buf.getvalue())


def snapshot(k: int) -> dict[int, list[dict[str, object]]]:
    """The rows of month `k` (0 = May 2026 .. 5 = Oct 2026) per list number, canonical values."""
    return Snapshot(k).build()


def reference_dates() -> list[dt.date]:
    """Each snapshot's reference date: the last day of its month."""
    return [_ref(k) for k in range(len(MONTHS))]


def generate(out_dir: Path) -> list[Path]:
    """Write the six monthly workbooks into `out_dir`; returns their paths in month order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{y}-{m:02d}_annex_a.xlsx" for y, m in MONTHS]
    for k, path in enumerate(paths):
        _write(path, k, snapshot(k))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "annex_a")
    for path in generate(parser.parse_args().out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
