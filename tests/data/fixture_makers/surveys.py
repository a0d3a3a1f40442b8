"""Survey fixtures: a long-layout survey return whose responses contradict themselves
(tests/test_voice.py asserts the three issues)."""

from __future__ import annotations

import datetime as dt

from fixture_makers.common import xlsx


def survey_long_conflicting_response() -> bytes:
    """Long survey layout: R1's third row names another respondent type, R2's second row another
    service area and date (tests/test_voice.py asserts the three issues)."""
    header = ["Survey", "Response ID", "Respondent type", "Service area", "Date", "Question", "Answer"]
    safe, listens, contact = "I feel safe where I live", "My social worker listens to me", "I know who to contact"
    s = "Speakerbox 2026"
    return xlsx([
        [s, "R1", "Young person", "Children in Care", dt.date(2026, 3, 2), safe, "Agree"],
        [s, "R1", "Young person", "Children in Care", dt.date(2026, 3, 2), listens, "Strongly agree"],
        [s, "R1", "Parent or carer", "Children in Care", dt.date(2026, 3, 2), contact, "Yes"],   # row 4
        [s, "R2", "Young person", "Permanence", dt.date(2026, 3, 3), safe, "Disagree"],
        [s, "R2", "Young person", "Care Leavers", dt.date(2026, 3, 4), listens, "Agree"],       # row 6
        [s, "R2", "Young person", "Permanence", dt.date(2026, 3, 3), contact, "No"],
        [s, "R3", "Young person", "Permanence", dt.date(2026, 3, 5), safe, "Agree"],
        [s, "R3", "Young person", "Permanence", dt.date(2026, 3, 5), contact, "Yes"],
    ], header=header, sheet="Responses")  # fmt: skip
