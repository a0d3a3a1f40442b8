"""Regenerate the sample report images in docs/ (README, "Reports") from the bundled sample data:

    python3 docs/make_report_images.py

- docs/report_cabinet_p1.png, docs/report_cabinet_p2.png: pages 1 and 2 of the Cabinet key data
  summary PDF for Jul-Sep 2026 (the sample's latest complete quarter), rendered with pypdfium2.
- docs/report_sef_p1.png: the first page of the ILACS self-evaluation evidence .docx for the same
  quarter. There is no Word or LibreOffice here, so the .docx is read back with python-docx and its
  page header, headings, paragraphs and tables are drawn as HTML on a page of the document's own size
  and margins, cut where the first page ends, and screenshotted with Debian's chromium (Playwright).

The database is built in a temporary directory through the same loader a user's upload uses; nothing
else is written. Before writing the Cabinet images the script checks that no worker, auditor or child
reference from the sample audits appears in the Cabinet PDF's text (it is a published paper).
Dev/doc tool only: needs requirements-dev.txt (pypdfium2, playwright) and /usr/bin/chromium.
"""

from __future__ import annotations

import html
import io
import sys
import tempfile
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from loaders import samples  # noqa: E402
from qa_data import db  # noqa: E402
from qa_data.exports import cabinet, sef  # noqa: E402
from qa_data.exports.docx import render_docx  # noqa: E402
from qa_data.exports.pdf import render_pdf  # noqa: E402
from qa_data.scope import Scope  # noqa: E402

QUARTER = date(2026, 7, 1)  # Jul-Sep 2026, the sample data's latest complete quarter
WIDTH_PX = 1400  # target image width
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def build_documents(workdir: Path) -> tuple[bytes, bytes, set[str]]:
    """The Cabinet PDF, the SEF .docx and the sample audits' worker, auditor and child references."""
    con = db.connect(workdir / "sample.duckdb")
    try:
        reports = samples.ensure_sample_data(con)
        bad = [r.summary() for r in reports if not r.valid]
        if not reports or bad:
            raise SystemExit(f"the sample data did not load: {bad}")
        scope = Scope.everything(user="docs")
        pdf = render_pdf(cabinet.build(con, scope=scope, quarter=QUARTER))
        docx = render_docx(sef.build(con, scope=scope, quarter=QUARTER))
        rows = db.cursor(con).execute(
            "select worker from qa.audits union select auditor from qa.audits union select child_ref from qa.audits"
        ).fetchall()
    finally:
        con.close()
    return pdf, docx, {r[0] for r in rows if r[0]}


def check_no_people(pdf: bytes, names: set[str]) -> None:
    """Fail if any worker, auditor or child reference appears in the PDF's text."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert len(names) > 20, names  # the check must have something to look for
    found = sorted(n for n in names if n in text)
    assert not found, f"the Cabinet summary names people or children: {found[:10]}"


def pdf_pages_to_png(pdf: bytes, targets: list[Path]) -> None:
    document = pdfium.PdfDocument(pdf)
    try:
        for page, target in zip(document, targets, strict=False):
            width_pt = page.get_width()
            page.render(scale=WIDTH_PX / width_pt).to_pil().save(target, optimize=True)
    finally:
        document.close()


# --- the .docx read back as HTML -------------------------------------------------------------

_STYLE_TAG = {"Title": "h1", "Heading 1": "h2", "Heading 2": "h3", "Heading 3": "h4", "Intense Quote": "blockquote"}


def _px(length: Length | None, default_in: float) -> float:
    return (length.inches if length is not None else default_in) * 96


def _runs_html(paragraph: Paragraph) -> str:
    """A paragraph's text with its bold, italic and size; line breaks kept."""
    parts = []
    for run in paragraph.runs:
        text = html.escape(run.text).replace("\n", "<br>")
        style = f' style="font-size:{run.font.size.pt}pt"' if run.font.size else ""
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(f"<span{style}>{text}</span>")
    return "".join(parts)


def _paragraph_html(paragraph: Paragraph) -> str:
    tag = _STYLE_TAG.get(paragraph.style.name if paragraph.style is not None else "", "p")
    return f"<{tag}>{_runs_html(paragraph)}</{tag}>"


def _table_html(table: Table) -> str:
    """Cells with their shading and alignment; the first row is the header."""
    out = ["<table>"]
    for i, row in enumerate(table.rows):
        out.append("<tr>")
        for cell in row.cells:
            shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            fill = shd.get(qn("w:fill")) if shd is not None else None
            styles = [f"background:#{fill}"] if fill and fill != "auto" else []
            if any(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in cell.paragraphs):
                styles.append("text-align:right")
            tag = "th" if i == 0 else "td"
            text = "<br>".join(_runs_html(p) for p in cell.paragraphs)
            out.append(f'<{tag} style="{";".join(styles)}">{text}</{tag}>')
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def docx_first_page_html(data: bytes) -> tuple[str, int]:
    """The .docx as one HTML page of its own size; returns (html, page width in CSS px)."""
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    width, height = _px(section.page_width, 8.27), _px(section.page_height, 11.69)
    top, bottom = _px(section.top_margin, 1), _px(section.bottom_margin, 1)
    left, right = _px(section.left_margin, 1), _px(section.right_margin, 1)
    header_top = _px(section.header_distance, 0.5)
    header = "".join(_runs_html(p) for p in section.header.paragraphs)
    body = [
        _table_html(block) if isinstance(block, Table) else _paragraph_html(block)
        for block in document.iter_inner_content()
    ]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; }}
#page {{ position: relative; width: {width}px; height: {height}px; overflow: hidden; background: #fff;
        font-family: Carlito, Calibri, "Liberation Sans", sans-serif; font-size: 11pt; color: #000; }}
#header {{ position: absolute; top: {header_top}px; left: {left}px; right: {right}px; text-align: center;
          color: #b2182b; font-size: 11pt; }}
#body {{ position: absolute; top: {top}px; left: {left}px; right: {right}px; }}
p {{ margin: 0 0 10px; line-height: 1.15; }}
h1 {{ font-size: 26pt; font-weight: normal; color: #17365d; border-bottom: 1px solid #4f81bd;
      padding-bottom: 4px; margin: 0 0 15px; }}
h2 {{ font-size: 14pt; color: #365f91; margin: 24px 0 6px; }}
h3 {{ font-size: 13pt; color: #4f81bd; margin: 10px 0 4px; }}
blockquote {{ margin: 10px 40px; padding: 4px 0; border-top: 1px solid #4f81bd; border-bottom: 1px solid #4f81bd;
              color: #4f81bd; font-weight: bold; font-style: italic; }}
table {{ border-collapse: collapse; width: 100%; margin: 0 0 6px; font-size: 10pt; }}
th, td {{ border: 1px solid #7ba0cd; padding: 1px 5px; vertical-align: top; }}
th {{ text-align: left; font-weight: bold; }}
tr:nth-child(odd) td {{ background-color: #d3dfee; }}
</style></head><body><div id="page"><div id="header">{header}</div><div id="body">{"".join(body)}</div></div>
<script>
// Word's first page ends at the bottom margin: drop what starts below it, and table rows past it.
const limit = {height - bottom};
const page = document.getElementById("page").getBoundingClientRect().top;
let done = false;
for (const block of Array.from(document.getElementById("body").children)) {{
  if (done) {{ block.remove(); continue; }}
  if (block.getBoundingClientRect().bottom - page <= limit) continue;
  done = true;
  if (block.tagName === "TABLE") {{
    for (const row of Array.from(block.rows).slice(1)) {{
      if (row.getBoundingClientRect().bottom - page > limit) row.remove();
    }}
    if (block.rows.length < 2) block.remove();
  }} else {{
    block.remove();
  }}
}}
</script></body></html>"""
    return page, round(width)


def html_to_png(page: str, width: int, target: Path, workdir: Path) -> None:
    source = workdir / "sef.html"
    source.write_text(page, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=WIDTH_PX / width)
            tab.goto(source.as_uri())
            tab.locator("#page").screenshot(path=str(target))
        finally:
            browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        pdf, docx, names = build_documents(workdir)
        check_no_people(pdf, names)
        pdf_pages_to_png(pdf, [DOCS / "report_cabinet_p1.png", DOCS / "report_cabinet_p2.png"])
        page, width = docx_first_page_html(docx)
        html_to_png(page, width, DOCS / "report_sef_p1.png", workdir)
    for name in ("report_cabinet_p1.png", "report_cabinet_p2.png", "report_sef_p1.png"):
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
