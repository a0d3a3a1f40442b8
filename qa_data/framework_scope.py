"""The scope of the quality framework (framework section 6): the practice areas each service area's
audit cycle should test, and how an audit theme is recognised as testing one of them.

Plain data and pure functions. Coverage rule (used by the audit programme page): a scope item is
covered in a period when at least one completed activity of that service area has a theme linked to
it, either because the audit plan says so (its "Scope area" column) or because the theme names it
(`theme_keywords` below, matched on whole words after `vocab.normalise_label`).
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_data.vocab import normalise_label


@dataclass(frozen=True)
class ScopeItem:
    service_area: str
    item: str  # as the framework words it
    keywords: tuple[str, ...] = ()  # normalised phrases that, found in a theme, link it here


SCOPE: tuple[ScopeItem, ...] = (
    # The front door
    ScopeItem("Front Door", "Child protection enquiries (strategy discussions, section 47)",
              ("strategy discussion", "strategy discussions", "section 47", "s47", "child protection enquiries")),
    ScopeItem("Front Door", "Emergency action (police protection, emergency protection orders)",
              ("emergency action", "police protection", "emergency protection")),
    ScopeItem("Front Door", "Child in need assessments", ("child in need assessment", "cin assessment",
                                                           "assessments")),
    ScopeItem("Front Door", "Decisions to accommodate", ("decision to accommodate", "decisions to accommodate")),
    ScopeItem("Front Door", "Early help interface: step-up and step-down",
              ("step up", "step down", "early help interface")),
    ScopeItem("Front Door", "Impact of early help", ("impact of early help", "early help")),
    ScopeItem("Front Door", "No further action and sign-posting",
              ("no further action", "nfa", "sign posting", "signposting", "thresholds at the front door",
               "re referrals", "rereferrals")),
    # Children in need and child protection
    ScopeItem("Children in Need and Child Protection", "Thresholds", ("thresholds", "threshold")),
    ScopeItem("Children in Need and Child Protection", "Step-up and step-down between CIN and CP",
              ("step up", "step down", "core groups", "core group")),
    ScopeItem("Children in Need and Child Protection", "Children on the edge of care", ("edge of care",)),
    ScopeItem("Children in Need and Child Protection", "Pre-proceedings (letter before proceedings)",
              ("pre proceedings", "plo", "letter before proceedings", "public law outline")),
    ScopeItem("Children in Need and Child Protection", "Children in need at risk of family breakdown",
              ("family breakdown",)),
    ScopeItem("Children in Need and Child Protection", "Decisions about entering care",
              ("entering care", "entry to care", "decision to accommodate")),
    ScopeItem("Children in Need and Child Protection", "Protection of disabled children",
              ("disabled children", "disability", "disabled")),
    # Vulnerable adolescents
    ScopeItem("Vulnerable Adolescents", "Child sexual and criminal exploitation",
              ("exploitation", "cse", "cce", "contextual safeguarding")),
    ScopeItem("Vulnerable Adolescents", "Missing from home, care or education",
              ("missing", "return home interview", "return home interviews")),
    ScopeItem("Vulnerable Adolescents", "Risks associated with gangs", ("gangs", "gang", "serious youth violence")),
    ScopeItem("Vulnerable Adolescents", "Risks associated with radicalisation", ("radicalisation", "prevent")),
    ScopeItem("Vulnerable Adolescents", "Trafficking and modern slavery", ("trafficking", "modern slavery")),
    # Children in care
    ScopeItem("Children in Care", "Matching, placement and decision making",
              ("matching", "placement", "placements", "placement stability", "care planning", "quality of plans")),
    ScopeItem("Children in Care", "Experiences and progress of disabled children in care",
              ("disabled children", "disability", "disabled")),
    # Permanence
    ScopeItem("Permanence", "Return to birth family", ("return home", "return to birth family", "reunification")),
    ScopeItem("Permanence", "Connected (family and friends) care", ("connected care", "family and friends",
                                                                   "kinship")),
    ScopeItem("Permanence", "Adoption", ("adoption", "later life letters", "life story")),
    ScopeItem("Permanence", "Long-term foster or residential care", ("long term foster", "long term fostering",
                                                                    "residential", "permanence planning")),
    ScopeItem("Permanence", "Special guardianship", ("special guardianship", "sgo")),
    # Care leavers
    ScopeItem("Care Leavers", "Care leavers aged 16 and 17", ("16 and 17", "16 17", "pathway plans", "pathway plan")),
    ScopeItem("Care Leavers", "Care leavers aged 18 to 25", ("18 to 25", "18 25", "18 21")),
    ScopeItem("Care Leavers", "Accommodation", ("accommodation",)),
    ScopeItem("Care Leavers", "Employment, education and training", ("education", "employment", "eet", "neet")),
    ScopeItem("Care Leavers", "Transition to adulthood", ("transition", "adulthood")),
    ScopeItem("Care Leavers", "Staying close and in touch", ("staying close", "in touch", "staying put")),
    # Quality Assurance Unit services
    ScopeItem("Quality Assurance Unit", "Child protection conferences", ("child protection conference",
                                                                        "child protection conferences",
                                                                        "conferences", "icpc", "rcpc")),
    ScopeItem("Quality Assurance Unit", "Looked-after reviews", ("looked after review", "looked after reviews",
                                                                 "lac review", "lac reviews", "cla review")),
    ScopeItem("Quality Assurance Unit", "Children's Rights Service", ("childrens rights", "advocacy",
                                                                     "rights service")),
)

ITEMS_BY_AREA: dict[str, tuple[str, ...]] = {}
for _s in SCOPE:
    ITEMS_BY_AREA[_s.service_area] = (*ITEMS_BY_AREA.get(_s.service_area, ()), _s.item)

_ITEM_LOOKUP: dict[tuple[str, str], str] = {
    (s.service_area, normalise_label(s.item)): s.item for s in SCOPE
}


def canonical_scope_item(service_area: str, value: object) -> str | None:
    """The framework's wording of a scope item typed for `service_area` (the item itself, or a
    keyword that names only that item in the area), or None."""
    key = normalise_label(value)
    if (service_area, key) in _ITEM_LOOKUP:
        return _ITEM_LOOKUP[(service_area, key)]
    named = [s.item for s in SCOPE if s.service_area == service_area and key in s.keywords]
    return named[0] if len(named) == 1 else None


def scope_items_for_theme(service_area: str, theme: str | None) -> tuple[str, ...]:
    """The scope items of `service_area` an activity with this theme tests, by keyword."""
    if not theme:
        return ()
    words = f" {normalise_label(theme)} "
    return tuple(
        s.item for s in SCOPE
        if s.service_area == service_area and any(f" {k} " in words for k in s.keywords)
    )
