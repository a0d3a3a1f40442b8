"""Canonical vocabularies of the quality framework, and the aliases people type for them.

Everything here is plain data plus small pure functions, so loaders, queries, templates and
tests all agree on one spelling. Sources: DOMAIN.md and the framework (seed) sections 4 and 6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- Service areas (framework section 6), in the order leaders read them -------------------------
SERVICE_AREAS: tuple[str, ...] = (
    "Front Door",
    "Children in Need and Child Protection",
    "Vulnerable Adolescents",
    "Children in Care",
    "Permanence",
    "Care Leavers",
    "Quality Assurance Unit",
)

SERVICE_AREA_COVERS: dict[str, str] = {
    "Front Door": "Contacts, referrals, MASH, strategy discussions, s47, emergency action, "
    "CIN assessments, early help interface",
    "Children in Need and Child Protection": "Thresholds, CIN and CP plans, edge of care, "
    "pre-proceedings, disabled children",
    "Vulnerable Adolescents": "Exploitation (CSE/CCE), missing, gangs, radicalisation, trafficking",
    "Children in Care": "Matching, placements, decisions, disabled children in care",
    "Permanence": "Return home, connected care, adoption, long-term fostering, special guardianship",
    "Care Leavers": "16-17, 18-25, accommodation, EET, transition, staying close",
    "Quality Assurance Unit": "Child protection conferences, looked-after reviews, "
    "children's rights service",
}

_SERVICE_AREA_ALIASES: dict[str, tuple[str, ...]] = {
    "Front Door": (
        "front door", "mash", "multi agency safeguarding hub", "duty", "duty and assessment",
        "first response", "referral and assessment", "front door mash",
    ),
    "Children in Need and Child Protection": (
        "children in need and child protection", "cp", "cin", "cin cp", "cin and cp", "cp and cin",
        "child protection", "children in need", "family support",
        "children in need child protection",
    ),
    "Vulnerable Adolescents": (
        "vulnerable adolescents", "adolescents", "adolescent", "contextual safeguarding",
        "adolescent services", "exploitation", "missing and exploitation",
    ),
    "Children in Care": (
        "children in care", "cla", "lac", "looked after", "looked after children",
        "children looked after", "cic",
    ),
    "Permanence": ("permanence", "adoption", "fostering and permanence", "permanency"),
    "Care Leavers": (
        "care leavers", "leaving care", "care leaver", "after care", "aftercare",
        "16 plus", "16+",
    ),
    "Quality Assurance Unit": (
        "quality assurance unit", "qau", "iro", "iros", "iro service", "conference and review",
        "conferences and reviews", "quality assurance", "safeguarding and quality assurance",
        "child protection conference", "independent reviewing officers",
    ),
}

# --- Grades (Ofsted's 4-point scale) -------------------------------------------------------------
GRADES: tuple[str, ...] = ("Outstanding", "Good", "Requires improvement", "Inadequate")
GOOD_OR_BETTER: frozenset[str] = frozenset({"Outstanding", "Good"})
GRADE_RANK: dict[str, int] = {g: i + 1 for i, g in enumerate(GRADES)}  # 1 = best, as Ofsted numbers

# Colours used for grades everywhere (pages, exports). Colour-blind safe, dark to light by quality.
GRADE_COLOURS: dict[str, str] = {
    "Outstanding": "#1b7837",
    "Good": "#7fbf7b",
    "Requires improvement": "#f1a340",
    "Inadequate": "#b2182b",
}
RAG_COLOURS: dict[str, str] = {"Green": "#1b7837", "Amber": "#f1a340", "Red": "#b2182b"}

_GRADE_ALIASES: dict[str, tuple[str, ...]] = {
    "Outstanding": ("outstanding", "o", "1", "out", "excellent"),
    "Good": ("good", "g", "2", "good or better"),
    "Requires improvement": (
        "requires improvement", "requires improvement to be good", "ri", "r i", "3",
        "requires improvement ri", "requires improvement to be good ri", "req improvement",
        "requires improvment",
    ),
    "Inadequate": ("inadequate", "i", "4", "inad", "poor"),
}

# Cells that mean "not graded" for a domain (a blank overall grade is still an error).
NOT_GRADED: frozenset[str] = frozenset(
    {"", "n a", "na", "not applicable", "not graded", "not assessed", "none", "nil"}
)

# --- Activity types (framework section 4) --------------------------------------------------------
ACTIVITY_TYPES: dict[str, str] = {
    "case_audit": "Case audit",
    "dip_sample": "Dip sample",
    "observation": "Practice observation",
}
_ACTIVITY_ALIASES: dict[str, tuple[str, ...]] = {
    "case_audit": (
        "case audit", "full case audit", "full audit", "audit", "case", "case file audit",
        "casefile audit", "themed audit", "thematic audit", "deep dive", "case audit full",
    ),
    "dip_sample": ("dip sample", "dip", "dipsample", "dip sampling", "dip audit"),
    "observation": (
        "observation", "practice observation", "observation of practice", "obs",
        "observed practice", "direct observation",
    ),
}


# --- Graded domains ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Domain:
    """A graded area of an audit. `kind` is quality_marker, supervision or other."""

    key: str
    label: str
    kind: str
    order: int


DOMAINS: tuple[Domain, ...] = (
    # The three quality markers every activity tests (framework section 4).
    Domain("safeguarding", "Children safeguarded, thresholds appropriate", "quality_marker", 1),
    Domain("direct_work", "Direct work and voice of the child", "quality_marker", 2),
    Domain("oversight", "Oversight of casework and decisions", "quality_marker", 3),
    # "The quality of supervision ... will always be reviewed and graded" (section 4).
    Domain("supervision", "Supervision", "supervision", 4),
    Domain("history", "History and chronology", "other", 10),
    Domain("assessment", "Assessment of need and risk", "other", 11),
    Domain("planning", "Planning", "other", 12),
    Domain("voice", "Voice and lived experience of the child", "other", 13),
    Domain("risk", "Risk and safeguarding", "other", 14),
    Domain("management_oversight", "Management oversight", "other", 15),
    Domain("multi_agency", "Multi-agency working", "other", 16),
    Domain("permanence_health_education", "Permanence, health and education", "other", 17),
    Domain("recording", "Recording", "other", 18),
    Domain("impact", "Impact for the child", "other", 19),
)
DOMAIN_BY_KEY: dict[str, Domain] = {d.key: d for d in DOMAINS}
QUALITY_MARKERS: tuple[str, ...] = ("safeguarding", "direct_work", "oversight")

_DOMAIN_ALIASES: dict[str, tuple[str, ...]] = {
    "safeguarding": (
        "safeguarding and thresholds", "children are safeguarded", "thresholds",
        "children are safeguarded and thresholds are appropriate", "safeguarding thresholds",
        "quality marker 1", "qm1", "children safeguarded thresholds appropriate",
        "children safeguarded and thresholds appropriate",
    ),
    "direct_work": (
        "direct work", "direct work with families", "quality of direct work",
        "direct work and voice of the child", "quality of direct work with families",
        "quality marker 2", "qm2",
    ),
    "oversight": (
        "oversight of casework and decisions", "oversight of casework", "casework oversight",
        "quality and oversight of casework", "quality and oversight of casework and decisions",
        "oversight", "quality marker 3", "qm3",
    ),
    "supervision": (
        "supervision", "quality of supervision", "supervision quality",
        "management oversight and supervision", "supervision and management oversight",
    ),
    "history": ("history and chronology", "chronology", "history"),
    "assessment": ("assessment", "assessment of need and risk", "quality of assessment"),
    "planning": ("planning", "plan", "quality of plan", "quality of plans", "care planning"),
    "voice": (
        "voice of the child", "voice and lived experience", "lived experience",
        "voice and lived experience of the child",
    ),
    "risk": ("risk and safeguarding", "risk"),
    "management_oversight": ("management oversight",),
    "multi_agency": ("multi agency working", "multi agency", "partnership working"),
    "permanence_health_education": (
        "permanence health and education", "permanence", "health and education",
    ),
    "recording": ("recording", "case recording", "quality of recording"),
    "impact": ("impact for the child", "impact", "impact on the child", "outcomes"),
}

_SPACE = re.compile(r"[^0-9a-z+]+")


def normalise_label(text: object) -> str:
    """Fold a header or a typed value to a comparable key: lower case, '&' as 'and',
    curly quotes and punctuation as spaces, spaces collapsed."""
    s = str(text).lower().replace("&", " and ").replace("\u2019", "'").replace("'", "")
    return _SPACE.sub(" ", s).strip()


def _invert(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, names in aliases.items():
        out[normalise_label(canonical)] = canonical
        for name in names:
            out[normalise_label(name)] = canonical
    return out


SERVICE_AREA_LOOKUP: dict[str, str] = _invert(_SERVICE_AREA_ALIASES)
GRADE_LOOKUP: dict[str, str] = _invert(_GRADE_ALIASES)
ACTIVITY_LOOKUP: dict[str, str] = _invert(_ACTIVITY_ALIASES)
DOMAIN_LOOKUP: dict[str, str] = _invert(_DOMAIN_ALIASES)


def canonical_service_area(value: object) -> str | None:
    """The canonical service area for a typed value or alias, or None if unknown."""
    return SERVICE_AREA_LOOKUP.get(normalise_label(value))


def canonical_grade(value: object) -> str | None:
    """The canonical grade for a typed value ('good', 'RI', 'G', '2'...), or None if unknown."""
    return GRADE_LOOKUP.get(normalise_label(value))


def canonical_activity_type(value: object) -> str | None:
    """`case_audit`, `dip_sample` or `observation` for a typed value, or None if unknown."""
    return ACTIVITY_LOOKUP.get(normalise_label(value))


def is_good_or_better(grade: str | None) -> bool | None:
    """True for Outstanding/Good, False for RI/Inadequate, None when not graded."""
    return None if grade is None else grade in GOOD_OR_BETTER
