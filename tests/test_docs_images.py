"""The README's images exist: every image it shows or links resolves to a PNG in the repository, and the
Reports section shows the sample Cabinet summary and SEF (issue 5; docs/make_report_images.py)."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = ROOT / "README.md"
# ![alt](path "optional title"), [text](path.png) and <img src="path">
IMAGE_LINK = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
    r"|(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+\.(?:png|jpe?g|gif|svg))>?(?:\s+\"[^\"]*\")?\s*\)"
    r"|<img\s[^>]*src=\"([^\"]+)\""
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image_links() -> list[str]:
    return ["".join(groups) for groups in IMAGE_LINK.findall(README.read_text(encoding="utf-8"))]


def test_every_readme_image_is_a_png_in_the_repository() -> None:
    links = _image_links()
    assert links
    for link in links:
        assert not re.match(r"[a-z]+://", link), f"{link}: images are kept in the repository, not fetched"
        path = (ROOT / link).resolve()
        assert path.is_relative_to(ROOT.resolve()), link
        assert path.is_file(), f"README links {link}, which does not exist"
        with path.open("rb") as image:
            assert image.read(8) == PNG_SIGNATURE, f"{link} is not a PNG"


def test_the_reports_section_shows_the_sample_cabinet_summary_and_sef() -> None:
    links = _image_links()
    assert "docs/report_cabinet_p1.png" in links
    assert "docs/report_sef_p1.png" in links
