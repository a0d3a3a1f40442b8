"""Reading single cells as people and case systems write them (loaders.cells), and the
vocabularies' aliases (qa_data.vocab). Pure functions, so hypothesis explores them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.cells import BLANKS, EARLIEST, clean_text, is_blank, parse_date, parse_yes_no
from qa_data import vocab

DATES = st.dates(min_value=EARLIEST, max_value=date(2099, 12, 31))

# --- parse_date ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2025", date(2025, 4, 3)),  # day first: 3 April, never 4 March
        ("3/4/2025", date(2025, 4, 3)),
        ("31/01/2025", date(2025, 1, 31)),
        ("1/2/25", date(2025, 2, 1)),
        ("31/12/99", date(1999, 12, 31)),
        ("03-04-2025", date(2025, 4, 3)),
        ("03.04.2025", date(2025, 4, 3)),
        (" 03/04/2025 ", date(2025, 4, 3)),
        ("03/04/2025 14:30", date(2025, 4, 3)),
        ("2025-04-03", date(2025, 4, 3)),
        ("2025-04-03 00:00:00", date(2025, 4, 3)),  # an Excel date cell as the reader gives it
        ("2025-04-03 14:30:00", date(2025, 4, 3)),
        ("2025-04-03T09:15", date(2025, 4, 3)),
        ("3 April 2025", date(2025, 4, 3)),
        ("3 Apr 2025", date(2025, 4, 3)),
        ("03-Apr-2025", date(2025, 4, 3)),
        ("3 Apr 25", date(2025, 4, 3)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parse_date_reads_uk_and_excel_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("serial", "date1904", "expected"),
    [
        ("45750", False, date(2025, 4, 3)),
        ("45750.0", False, date(2025, 4, 3)),
        ("45750.75", False, date(2025, 4, 3)),  # a time of day does not move the date
        ("44288", True, date(2025, 4, 3)),  # the same day in the 1904 system
        ("32874", False, date(1990, 1, 1)),
        ("60000", False, date(2064, 4, 8)),
    ],
)
def test_parse_date_reads_serials_in_both_date_systems(serial: str, date1904: bool, expected: date) -> None:
    assert parse_date(serial, date1904=date1904) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2025", "29/02/2025", "31/13/2025", "00/01/2025", "32/01/2025", "next week", "TBC",
     "2025-13-01", "2025-02-30", "3 Smarch 2025", "01/01/1989", "1000", "12/2025", "Q1 2025", "45750x"],
)  # fmt: skip
def test_parse_date_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text", [None, "", "   ", "-", "#N/A", "n/a", "NULL", "none"])
def test_parse_date_blank(text: str | None) -> None:
    assert parse_date(text) is None


@given(DATES)
def test_any_day_first_date_round_trips(d: date) -> None:
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d


@given(DATES)
def test_any_excel_cell_date_round_trips(d: date) -> None:
    # The reader gives Excel date cells as ISO text with a time.
    assert parse_date(datetime(d.year, d.month, d.day).isoformat(sep=" ")) == d
    assert parse_date(d.isoformat()) == d


@given(DATES, st.booleans())
def test_any_serial_round_trips(d: date, date1904: bool) -> None:
    epoch = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    assert parse_date(str((d - epoch).days), date1904=date1904) == d


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2069, 12, 31)))
def test_two_digit_years_are_this_century(d: date) -> None:
    assert parse_date(d.strftime("%d/%m/%y")) == d


@given(DATES.filter(lambda d: d.day <= 12 and d.day != d.month))
def test_ambiguous_dates_are_never_read_month_first(d: date) -> None:
    swapped = date(d.year, d.day, d.month)
    assert parse_date(d.strftime("%d/%m/%Y")) == d != swapped


@given(st.text(max_size=30))
def test_parse_date_returns_a_date_none_or_value_error(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert result is None or (isinstance(result, date) and result >= EARLIEST)


def test_earliest_date_is_accepted_and_the_day_before_is_not() -> None:
    assert parse_date(EARLIEST.strftime("%d/%m/%Y")) == EARLIEST
    with pytest.raises(ValueError):
        parse_date((EARLIEST - timedelta(days=1)).strftime("%d/%m/%Y"))


# --- parse_yes_no, clean_text, is_blank --------------------------------------------------------


@pytest.mark.parametrize("text", ["Yes", "yes", "Y", "y", "TRUE", "true", "1", "x", " Yes ", "Done", "Given",
                                  "Notified", "Yes  notified"])  # fmt: skip
def test_parse_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["No", "no", "N", "FALSE", "0", "Not notified", "not  given"])
def test_parse_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", [None, "", " ", "-", "#N/A", "N/A"])
def test_parse_yes_no_blank(text: str | None) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize("text", ["Maybe", "yes and no", "2", "Pending"])
def test_parse_yes_no_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yes_no(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  MASH Team ", "MASH Team"),
        ("Sam\t\tPatel", "Sam Patel"),
        ("line one\nline two", "line one line two"),
        ("Zoë  Brontë", "Zoë Brontë"),
        ("#N/A", None),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_text(text: str | None, expected: str | None) -> None:
    assert clean_text(text) == expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_clean_text_is_trimmed_and_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    if cleaned is None:
        return
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert clean_text(cleaned) == cleaned


def test_every_blank_placeholder_is_blank_in_any_case_and_padding() -> None:
    for placeholder in BLANKS:
        assert is_blank(placeholder) and is_blank(f" {placeholder.upper()} ")
    assert not is_blank("0") and not is_blank("Good")


# --- Vocabularies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "grade"),
    [
        ("good", "Good"),
        ("Good ", "Good"),
        ("G", "Good"),
        ("RI", "Requires improvement"),
        ("ri", "Requires improvement"),
        ("Requires improvement to be good", "Requires improvement"),
        ("Requires Improvement (RI)", "Requires improvement"),
        ("inadequate", "Inadequate"),
        ("INADEQUATE", "Inadequate"),
        ("Outstanding", "Outstanding"),
        ("OUTSTANDING", "Outstanding"),
        ("outstanding", "Outstanding"),
        ("2", "Good"),
    ],
)
def test_canonical_grade(typed: str, grade: str) -> None:
    assert vocab.canonical_grade(typed) == grade


@pytest.mark.parametrize("typed", ["Very good", "Brilliant", "TBC", "5", "", "Good-ish", "Requires"])
def test_unknown_grades(typed: str) -> None:
    assert vocab.canonical_grade(typed) is None


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("MASH", "Front Door"),
        ("Front door", "Front Door"),
        ("Duty", "Front Door"),
        ("CP", "Children in Need and Child Protection"),
        ("CIN", "Children in Need and Child Protection"),
        ("CIN/CP", "Children in Need and Child Protection"),
        ("CLA", "Children in Care"),
        ("LAC", "Children in Care"),
        ("Looked after", "Children in Care"),
        ("Leaving care", "Care Leavers"),
        ("Adolescents", "Vulnerable Adolescents"),
        ("Contextual safeguarding", "Vulnerable Adolescents"),
        ("IRO", "Quality Assurance Unit"),
        ("Conference and review", "Quality Assurance Unit"),
        ("Conference & Review", "Quality Assurance Unit"),
        ("permanence", "Permanence"),
    ],
)
def test_service_area_aliases(typed: str, area: str) -> None:
    assert vocab.canonical_service_area(typed) == area


@pytest.mark.parametrize("canonical", vocab.SERVICE_AREAS)
def test_canonical_service_areas_map_to_themselves(canonical: str) -> None:
    assert vocab.canonical_service_area(canonical) == canonical
    assert vocab.canonical_service_area(f"  {canonical.upper()} ") == canonical


@pytest.mark.parametrize("typed", ["Youth Offending", "Fostering team", "Narnia", ""])
def test_unknown_service_areas(typed: str) -> None:
    assert vocab.canonical_service_area(typed) is None


@given(st.sampled_from(vocab.GRADES), st.sampled_from(["", " ", "  "]), st.booleans())
def test_any_canonical_grade_survives_case_and_padding(grade: str, pad: str, upper: bool) -> None:
    typed = pad + (grade.upper() if upper else grade.lower()) + pad
    assert vocab.canonical_grade(typed) == grade
