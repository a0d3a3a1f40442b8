"""The fixture families that tests/data/make_fixtures.py writes into tests/data/: `common` (the
deterministic workbook writer and row builder), `messy_audits` (audit_* files that must load),
`bad_contents` and `bad_containers` (bad_* files that must be rejected, for what is in them or for what
the file is), and `surveys`."""

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported,
# so here, before any family module imports it.
os.environ.setdefault("OPENPYXL_LXML", "False")
