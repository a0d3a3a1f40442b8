"""Ofsted's Annex A Lists 1-11: canonical columns, the headers files use for them, and the code lists.

Built from the Ofsted template (August 2019 update: its `Guidance` and `Codes_used` sheets), plus the
columns later templates added to List 9 (seen in the LIIA synthetic file). A list is recognised by
its headers, never its sheet name (`identify`). Headers are compared after `header_key` folding
(case, curly quotes, brackets, `?`, trailing spaces, doubled `))` all fold away).

Each coded column stores **one canonical code**: the DfE/SSDA903 code where the option has one
(`WBRI`, `6` for Police, `N1`, `RC8`, `C2`, `E11`, `U1`, `PR4`, `F1`, `B`, `RD2`), else the option's
label as the template spells it (`Male`, `Yes`, `Neglect`, `Looked after child`). `normalise_code`
accepts the lettered form (`q) 6: Police`), the code (`6`), code and label (`6: Police`,
`PR4 - Private provision`), the label alone when it names one option (`POLICE`; not `Individual`,
which is 1A-1D) and the aliases below. The letter (`q)`) is ignored: it differs between lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from qa_data.vocab import normalise_label


@dataclass(frozen=True)
class Column:
    """A list's column, named by its template header in snake_case (`canonical_column`: the names
    qa_data's KPI definitions read). `kind` says how its cells are read (loaders.annex_a): id
    (trimmed; 1001.0 -> 1001), text (white space folded), date, code (one of CODE_LISTS[codes]), int
    (a whole number >= 0), age (years; -1 unborn; decimals rounded down to the age at last
    birthday) or postcode (UK, upper case)."""

    header: str  # as the 2019 template spells it
    kind: str
    codes: str | None = None  # key of CODE_LISTS for kind "code"
    aliases: tuple[str, ...] = ()
    required: bool = False  # a list without this column is rejected
    optional: bool = False  # not in the 2019 template: no warning when absent

    @property
    def name(self) -> str:
        """The canonical column: the template header in snake_case ('Referral NFA?' -> referral_nfa)."""
        return canonical_column(self.header)


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    columns: tuple[Column, ...]
    key: str = "child_unique_id"  # the identifier every row must have
    lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.lookup.update({header_key(h): c.name for c in self.columns for h in (c.header, *c.aliases)})

    @property
    def table(self) -> str:
        return f"annex_a_list_{self.number}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def canonical_column(header: str) -> str:
    """Lower case, each run of characters but a-z and 0-9 one '_', none at the ends (as qa_data's KPIs)."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def header_key(text: object) -> str:
    """A header folded for comparison: lower case, curly quotes and punctuation dropped."""
    return normalise_label(str(text).replace("\u2018", "'"))


# Columns most lists share.
CHILD_ID = Column("Child Unique ID", "id", aliases=("Child ID", "Child Unique Identifier", "Unique Child ID",
                                                   "Child Unique Ref", "Child Reference"), required=True)
GENDER = Column("Gender", "code", "gender", ("Sex", "Gender Code"))
ETHNICITY = Column("Ethnicity", "code", "ethnicity", ("Ethnic Origin", "Ethnicity Code"))
DOB = Column("Date of Birth", "date", aliases=("DOB", "Birth Date", "Date of Birth (DD/MM/YYYY)"))
AGE = Column("Age of Child (Years)", "age", aliases=("Age", "Age (Years)", "Age of Child", "Age in Years"))
DISABILITY = Column("Does the Child have a Disability", "code", "yes_no_unknown",
                    ("Disability", "Disabled", "Does the Child have a Disability (Y/N)"))
TEAM = Column("Allocated Team", "text", aliases=("Team",))
WORKER = Column("Allocated Worker", "text", aliases=("Worker", "Social Worker", "Allocated Social Worker"))
CHILD = (CHILD_ID, GENDER, ETHNICITY, DOB, AGE)


def _date(header: str, *aliases: str, required: bool = False) -> Column:
    return Column(header, "date", aliases=aliases, required=required)


def _code(header: str, codes: str, *aliases: str) -> Column:
    return Column(header, "code", codes, aliases)


def _int(header: str, *aliases: str) -> Column:
    return Column(header, "int", aliases=aliases)


LISTS: tuple[ListSpec, ...] = (
    ListSpec(1, "Contacts", (
        *CHILD, _date("Date of Contact", "Contact Date", required=True),
        _code("Contact Source", "source", "Source of Contact"),
    )),
    ListSpec(2, "Early help", (
        *CHILD, _date("Assessment start date", "Early Help Assessment Start Date", required=True),
        _date("Assessment completion date", "Assessment End Date", "Early Help Assessment Completion Date"),
        Column("Organisation completing assessment", "text", aliases=("Organisation", "Lead Organisation")),
    )),
    ListSpec(3, "Referrals", (
        *CHILD, _date("Date of referral", "Referral Date", required=True),
        _code("Referral Source", "source", "Source of Referral"),
        _code("Referral NFA?", "yes_no", "Referral No Further Action"),
        _int("Number of Referrals in Last 12 Months", "Referrals in Last 12 Months"), TEAM, WORKER,
    )),
    ListSpec(4, "Assessments", (
        *CHILD, DISABILITY, _date("Continuous Assessment Start Date", required=True),
        _code("Child Seen During Continuous Assessment", "yes_no_unknown", "Child Seen During Assessment"),
        _date("Continuous Assessment Date of Authorisation", "Assessment Authorisation Date"),
        _code("Was the child assessed as requiring LA children’s social care support", "yes_no",
              "Was the child assessed as being in need at assessment?"),
        TEAM, WORKER,
    )),
    ListSpec(5, "Section 47 enquiries and initial child protection conferences", (
        *CHILD, DISABILITY,
        _date("Strategy discussion initiating Section 47 Enquiry Start Date", "Section 47 Enquiry Start Date",
              "S47 Start Date", required=True),
        _code("Was an Initial Child Protection Conference deemed unnecessary?", "yes_no"),
        _date("Date of Initial Child Protection Conference", "ICPC Date"),
        _code("Did the Initial Child Protection Conference Result in a Child Protection Plan", "yes_no"),
        _int("Number of Section 47 Enquiries in the last 12 months"), _int("Number of ICPCs in the last 12 months"),
        TEAM, WORKER,
    )),
    ListSpec(6, "Children in need", (
        *CHILD, DISABILITY, _date("CIN Start Date", required=True),
        _code("Primary Need Code", "primary_need", "Primary Need"), _date("Date Child Was Last Seen"),
        _date("CIN Closure Date"), _code("Reason for Closure", "closure_reason"),
        _code("Case status", "case_status"), TEAM, WORKER,
    )),
    ListSpec(7, "Child protection", (
        *CHILD, DISABILITY, _date("Child Protection Plan Start Date", required=True),
        _code("Initial Category of Abuse", "abuse"), _code("Latest Category of Abuse", "abuse"),
        _date("Date of the Last Statutory Visit", "Date of Last Statutory Visit"),
        _code("Was the Child Seen Alone?", "yes_no_unknown"), _date("Date of latest review conference"),
        _date("Child Protection Plan End Date"),
        _code("Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
              "yes_no"),
        _int("Number of Previous Child Protection Plans"), TEAM, WORKER,
    )),
    ListSpec(8, "Children in care", (
        *CHILD, _code("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "yes_no"),
        DISABILITY, _date("Date Started to be Looked After", required=True),
        _code("Child's Category of Need", "category_of_need"),
        _code("Is this a second or subsequent period of being a Looked After Child within the last 12 months "
              "(Y/N)", "yes_no", "Is this a second or subsequent episode of being a Looked After Child within "
              "the last 12 months (Y/N)"),
        _date("Start date of current legal status"), _code("Child's Legal Status", "legal_status"),
        _date("Date of Latest Statutory Review"), _date("Date of Last Social Work Visit"),
        _code("What is the permanence plan for this child?", "permanence_plan"),
        _date("Date of Last IRO Visit / Contact to the Child"), _date("Date of Last Health Assessment"),
        _date("Date of Last Dental Check"), _int("Number of Placements in the Last 12 months"),
        _date("Date Ceased to be Looked After"), _code("Reason Ceased to be Looked After", "reason_ceased"),
        _date("Start Date of Most Recent Placement"), _code("Placement Type", "placement_type"),
        _code("Placement Provider", "placement_provider"), Column("Placement postcode", "postcode"),
        Column("URN of Placement", "id"), _code("Placement Location", "in_out"), Column("LA of Placement", "text"),
        _int("Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months"),
        _int("Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months"),
        _code("Was the child offered a Return Interview after their last missing episode (Y/N)?", "yes_no_unknown"),
        _code("Did the child accept a Return Interview after their last missing episode (Y/N)?", "yes_no_unknown"),
        TEAM, WORKER,
    )),
    ListSpec(9, "Care leavers", (
        *CHILD, Column("Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", "code",
                       "yes_no", optional=True), DISABILITY, TEAM, WORKER,
        Column("Allocated Personal Advisor", "text", aliases=("Allocated Personal Adviser",), optional=True),
        _code("Eligibility Category", "eligibility"),
        Column("Latest Pathway Plan Review Date", "date", optional=True), _code("LA In Touch", "in_touch"),
        Column("Latest Date of Contact", "date", optional=True), _code("Type of Accommodation", "accommodation"),
        _code("Suitability of Accommodation", "suitability"), _code("Activity Status", "activity"),
    )),
    ListSpec(10, "Adoption", (
        CHILD_ID, Column("Family identifier", "id"), *CHILD[1:], DISABILITY,
        _date("Date the Child Entered Care", required=True),
        _date("Date of Decision that Child Should be Placed for Adoption"), _date("Date of Placement Order"),
        _date("Date of Matching Child and Prospective Adopters"), _date("Date Placed for Adoption"),
        _date("Date of Adoption Order"), _date("Date of Decision that Child Should No Longer be Placed for Adoption"),
        _code("Reason Why Child No Longer Placed for Adoption", "no_longer_placed"),
        _date("Date the child was placed for fostering in FFA or concurrent planning placement"),
    )),
    ListSpec(11, "Adopters", (
        Column("Individual adopter identifier", "id", aliases=("Adopter ID",), required=True),
        Column("Family identifier", "id"), GENDER, ETHNICITY, _code("Disability", "yes_no"),
        _code("Is the (prospective) adopter fostering for adoption?", "yes_no"), _date("Date enquiry received"),
        _date("Date Stage 1 started"), _date("Date Stage 1 ended"), _date("Date Stage 2 started"),
        _date("Date Stage 2 ended"), _date("Date application submitted"), _date("Date application approved"),
        _date("Date adopter matched with child(ren)"), _date("Date child/children placed with adopter(s)"),
        _int("No. of children placed", "Number of children placed"), _date("Date of Adoption Order"),
        _date("Date of leaving adoption process"), _code("Reason for leaving adoption process", "left_process"),
    ), key="individual_adopter_identifier"),
)
LIST_BY_NUMBER: dict[int, ListSpec] = {s.number: s for s in LISTS}

CodeList = tuple[tuple[str, str], ...]  # (canonical code, label)


def _labels(*labels: str) -> CodeList:
    return tuple((label, label) for label in labels)


_NEED: CodeList = (
    ("N1", "Abuse or neglect"), ("N2", "Child’s disability"), ("N3", "Parental disability or illness"),
    ("N4", "Family in acute stress"), ("N5", "Family dysfunction"), ("N6", "Socially unacceptable behaviour"),
    ("N7", "Low income"), ("N8", "Absent parenting"), ("N9", "Cases other than children in need"),
    ("N0", "Not stated"),
)
CODE_LISTS: dict[str, CodeList] = {
    "gender": _labels("Male", "Female", "Not stated/recorded", "Neither"),
    "yes_no": _labels("Yes", "No"),
    "yes_no_unknown": _labels("Yes", "No", "Unknown"),
    "ethnicity": (
        ("WBRI", "White British"), ("WIRI", "White Irish"), ("WIRT", "Traveller of Irish heritage"),
        ("WOTH", "Any other White background"), ("WROM", "Gypsy/Roma"), ("MWBC", "White and Black Caribbean"),
        ("MWBA", "White and Black African"), ("MWAS", "White and Asian"), ("MOTH", "Any other Mixed background"),
        ("AIND", "Indian"), ("APKN", "Pakistani"), ("ABAN", "Bangladeshi"), ("AOTH", "Any other Asian background"),
        ("BCRB", "Caribbean"), ("BAFR", "African"), ("BOTH", "Any other Black background"), ("CHNE", "Chinese"),
        ("OOTH", "Any other ethnic group"), ("REFU", "Refused"), ("NOBT", "Information not yet obtained"),
    ),
    "source": (  # contact and referral source
        ("1A", "Individual"), ("1B", "Individual"), ("1C", "Individual"), ("1D", "Individual"), ("2A", "Schools"),
        ("2B", "Education services"), ("3A", "Health services"), ("3B", "Health services"), ("3C", "Health services"),
        ("3D", "Health services"), ("3E", "Health services"), ("3F", "Health services"), ("4", "Housing"),
        ("5A", "LA services"), ("5B", "LA services"), ("5C", "LA services"), ("6", "Police"),
        ("7", "Other legal agency"), ("8", "Other"), ("9", "Anonymous"), ("10", "Unknown"),
    ),
    "primary_need": _NEED,
    "category_of_need": _NEED[:8],
    "closure_reason": (
        ("RC1", "Adopted"), ("RC2", "Died"), ("RC3", "Child arrangements order"), ("RC4", "Special guardianship order"),
        ("RC5", "Transferred to services of another local authority"),
        ("RC6", "Transferred to adult social care services"),
        ("RC7", "Services ceased for any other reason, including child no longer in need"),
        ("RC8", "Case closed after assessment, no further action"),
    ),
    "case_status": _labels("Looked after child", "Child Protection plan", "Child in need plan", "Open assessment",
                           "Closed episode"),
    "abuse": _labels("Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple/not recommended"),
    "legal_status": (
        ("C1", "ICO"), ("C2", "FCO"), ("D1", "Freeing order"), ("E1", "Placement order"),
        ("V2", "Single period under S20"), ("L1", "Police protection LA accommodation"), ("L2", "EPO"),
        ("L3", "Child assessment order LA accommodation"), ("J1", "Remanded to LA or youth detention"),
        ("J2", "LA accommodation under PACE"), ("J3", "Youth rehabilitation order"),
        ("V3", "Short term breaks, episodes recorded"), ("V4", "Short term breaks, agreements recorded"),
    ),
    "permanence_plan": _labels("Return to family", "Adoption", "SGO/CAO", "Supported living in the community",
                               "Long-term residential placement", "Long-term fostering", "Other"),
    "reason_ceased": (
        ("E11", "Adopted - application unopposed"), ("E12", "Adopted - consent dispensed"), ("E2", "Died"),
        ("E3", "Care taken by another LA"),
        ("E4A", "Returned home to live with parents or relatives - part of planning"),
        ("E4B", "Returned home to live with parents or relatives - not part of planning"),
        ("E13", "Parents, relatives or other with no parental responsibility"), ("E41", "Residence order granted"),
        ("E45", "Special Guardianship Orders - former carer relative/friend"),
        ("E46", "Special Guardianship Orders - former carer other"),
        ("E47", "Special Guardianship Orders - relative/friend"), ("E48", "Special Guardianship Orders - other"),
        ("E5", "Moved into independent living - supported"), ("E6", "Moved into independent living - no support"),
        ("E7", "Transferred to residential care funded by adult social services"), ("E9", "Sentenced to custody"),
        ("E14", "Accommodation on remand ended"), ("E15", "Age assessment determined child was 18 or over"),
        ("E16", "Child moved abroad"), ("E8", "Care ceased for any other reason"),
        ("X1", "Episode ceases, and new episode begins on same day"),
    ),
    "placement_type": (
        ("U1", "Foster placement - relatives - long term"), ("U2", "Foster placement - relative - FFA"),
        ("U3", "Foster placement - relative - not FFA"), ("U4", "Foster placement - long term"),
        ("U5", "Foster placement - FFA"), ("U6", "Foster placement - not FFA"),
        ("A3", "Placed for adoption - consent - current foster"), ("A4", "Placed for adoption - consent - not foster"),
        ("A5", "Placed for adoption - order - foster"), ("A6", "Placed for adoption - order - not foster"),
        ("P1", "Placed with parents"), ("P2", "Independent living"), ("P3", "Residential employment"),
        ("H5", "Residential accommodation"), ("K1", "Secure Children’s Homes"), ("K2", "Children’s Homes"),
        ("R1", "Residential Care Home"), ("R2", "NHS/Health Trust"), ("R3", "Family Centre or Mother and Baby Unit"),
        ("R5", "Young Offender Institution"), ("S1", "Residential school"), ("Z1", "Other placements"),
        ("T0", "Temporary placement"), ("T1", "Temporary placement - hospital"),
        ("T2", "Temporary placement - holiday"), ("T3", "Temporary placement - carer holiday"),
        ("T4", "Temporary placement - seven days or less"),
    ),
    "placement_provider": (
        ("PR0", "Parents/Parental responsibility"), ("PR1", "Own provision"), ("PR2", "Other LA provision"),
        ("PR3", "Other public provision"), ("PR4", "Private provision"), ("PR5", "Voluntary/third sector"),
    ),
    "in_out": _labels("In", "Out"),
    "eligibility": _labels("Relevant child", "Former relevant child", "Qualifying care leaver"),
    # SSDA903 OC3 in-touch codes beyond yes and no.
    "in_touch": (
        ("Yes", "Yes"), ("No", "No"), ("DIED", "Died"), ("REFU", "Refused"), ("NREQ", "No longer requires services"),
        ("RHOM", "Returned home"),
    ),
    "accommodation": (
        ("B", "Parents/relatives"), ("C", "Community home / residential care"),
        ("D", "Semi-independent, transitional accommodation and self-contained accommodation"),
        ("E", "Supported lodgings"), ("G", "Abroad"), ("H", "Deported"),
        ("K", "Ordinary lodgings, without formal support"), ("R", "Residence not known"),
        ("S", "No fixed abode / homeless"), ("T", "Foyers and similar supported accommodation"),
        ("U", "Independent living"), ("V", "Emergency accommodation"), ("W", "Bed and breakfast"), ("X", "In custody"),
        ("Y", "Other accommodation"), ("Z", "With former foster carers"),
    ),
    "suitability": _labels("Suitable", "Unsuitable"),
    "activity": (
        ("F1", "Full time in higher education"), ("P1", "Part time in higher education"),
        ("F2", "Full time in education other than higher"), ("P2", "Part time in education other than higher"),
        ("F3", "Full time in training or employment"), ("P3", "Part time in training or employment"),
        ("G4", "Not in education, employment or training - illness or disability"),
        ("G5", "Not in education, employment or training - other"),
        ("G6", "Not in education, employment or training - pregnancy or parenting"),
    ),
    "no_longer_placed": (
        ("RD1", "The child’s needs changed subsequent to the decision"),
        ("RD2", "The Court did not make a placement order"), ("RD3", "Prospective adopters could not be found"),
        ("RD4", "Any other reason"),
    ),
    "left_process": (
        ("1", "Adopter withdrew from process"), ("2", "Process put on hold"), ("3", "Application refused"),
    ),
}

# Free-text and system variants seen in councils' files, by code list and canonical code.
_YES_NO: dict[str, tuple[str, ...]] = {"Yes": ("Y", "True"), "No": ("N", "False")}
CODE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {
        "Male": ("M", "1", "1 - Male"), "Female": ("F", "2", "2 - Female"),
        "Not stated/recorded": ("Not stated/recorded (or unborn)", "Not stated", "Not recorded", "Not known",
                                "Unknown", "Unborn", "U", "0", "0 - Not known"),
        "Neither": ("Indeterminate", "Non-binary", "Non binary"),
    },
    "yes_no": _YES_NO,
    "yes_no_unknown": {**_YES_NO, "Unknown": ("Not known", "U")},
    # The template spells N3 both ways (List 6 and List 8).
    "primary_need": {"N3": ("Parental illness or disability",)},
    "category_of_need": {"N3": ("Parental illness or disability",)},
    "permanence_plan": {"SGO/CAO": ("SGO", "Special guardianship order", "Child arrangements order")},
}

_LETTER = re.compile(r"^\(?[a-z]{1,2}\d?\)\s*", re.IGNORECASE)  # "q) ", "zz) ", "(b) ", "d1) "
_CODE_FIRST = re.compile(r"^([a-z0-9]{1,5})\s*[:\-\u2013\u2014]\s*\S", re.IGNORECASE)  # "6: Police", "PR4 - ..."


@cache
def _code_lookup(codes: str) -> dict[str, str]:
    """Folded code, label, 'code label' and alias -> canonical code; labels naming several codes
    (contact source 'Individual' is 1A-1D) are left out."""
    table: dict[str, str] = {}
    labels: dict[str, set[str]] = {}
    for code, label in CODE_LISTS[codes]:
        table[header_key(code)] = code
        table[header_key(f"{code} {label}")] = code
        labels.setdefault(header_key(label), set()).add(code)
    for key, found in labels.items():
        if len(found) == 1:
            table.setdefault(key, next(iter(found)))
    for code, aliases in CODE_ALIASES.get(codes, {}).items():
        table.update({header_key(a): code for a in aliases})
    return table


def normalise_code(codes: str, value: str) -> str:
    """The canonical code in code list `codes` for a cell's text. Raises ValueError if it names none."""
    table = _code_lookup(codes)
    text = " ".join(value.split())
    for candidate in (text, _LETTER.sub("", text)):
        if (found := table.get(header_key(candidate))) is not None:
            return found
        if (m := _CODE_FIRST.match(candidate)) and (found := table.get(header_key(m.group(1)))) is not None:
            return found
    raise ValueError(f"not a {codes} code: {value!r}")


# A header row names a list when it has at least this many of its columns, at least one header
# no other list has, and most of its recognised headers belong to that list: the template's
# `Codes_used` sheet has a row of headers from every list, and is not a list.
MIN_COLUMNS = 2
MIN_SHARE = 0.6


@cache
def _lists_by_key() -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for spec in LISTS:
        for key in spec.lookup:
            found.setdefault(key, set()).add(spec.number)
    return {k: frozenset(v) for k, v in found.items()}


def identify(headers: Iterable[str]) -> tuple[ListSpec, int] | None:
    """The list a header row belongs to, with how many of its columns the row has; None if the
    row is not an Annex A list's header row."""
    by_key = _lists_by_key()
    keys = {header_key(h) for h in headers if h and str(h).strip()}
    recognised = [k for k in keys if k in by_key]
    best: tuple[tuple[int, int], ListSpec] | None = None
    for spec in LISTS:
        mine = [k for k in recognised if spec.number in by_key[k]]
        specific = sum(1 for k in mine if len(by_key[k]) == 1)
        columns = len({spec.lookup[k] for k in mine})
        if specific == 0 or columns < MIN_COLUMNS or len(mine) < MIN_SHARE * len(recognised):
            continue
        if best is None or (specific, columns) > best[0]:
            best = ((specific, columns), spec)
    return (best[1], best[0][1]) if best else None


def header_score(headers: list[str]) -> int:
    """`workbook.Score` for a CSV: how many columns of the list the row names (0 if none)."""
    found = identify(headers)
    return found[1] if found else 0
