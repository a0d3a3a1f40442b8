"""The dependency rule (STYLE.md): app.py -> pages/ -> qa_data/ <- loaders/. The data layer and the
loaders never import streamlit, and page scripts stay thin: no SQL, well under 150 lines."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("qa_data", "loaders")
APP = ROOT / "app.py"
VIEWS = ROOT / "pages"


def page_files() -> list[Path]:
    """The page scripts app.py lists in PAGES (the helpers ui.py and charts.py are not pages)."""
    paths = re.findall(r'"(pages/[a-z_]+\.py)"', APP.read_text(encoding="utf-8"))
    return [ROOT / p for p in paths]


def library_modules() -> list[str]:
    names = []
    for package in LIBRARIES:
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")]
    return names


def test_every_qa_data_and_loaders_module_imports_without_streamlit() -> None:
    modules = library_modules()
    assert "qa_data.audits" in modules and "loaders.audits" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("package", LIBRARIES)
def test_no_library_file_mentions_streamlit_imports(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_app_lists_every_page_and_each_page_ensures_the_entry_script() -> None:
    # A pages/ folder beside app.py puts Streamlit in its legacy multipage mode for the first session
    # after a start; every page calls ui.ensure_entry_script() first.
    assert [p.name for p in page_files()] == [
        "overview.py", "audit_quality.py", "supervision.py", "observations.py", "voice.py", "scorecard.py",
        "actions.py", "programme.py", "reports.py", "reflection.py", "upload.py", "admin.py",
    ]
    for path in page_files():
        body = ast.parse(path.read_text(encoding="utf-8")).body
        statements = [
            node for node in body
            if not isinstance(node, ast.Import | ast.ImportFrom)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))  # the docstring
        ]
        assert ast.unparse(statements[0]) == "ui.ensure_entry_script()", path


@pytest.mark.parametrize("path", [APP, *sorted(VIEWS.glob("*.py"))], ids=lambda p: p.name)
def test_app_and_views_hold_no_sql(path: Path) -> None:
    assert re.search(r"\bselect\s", path.read_text(encoding="utf-8"), re.I) is None


@pytest.mark.parametrize("path", page_files(), ids=lambda p: p.name)
def test_page_scripts_are_short_and_use_qa_data_not_duckdb(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 150
    assert {"duckdb", "loaders"}.isdisjoint(n.split(".")[0] for n in _imports(text))


def test_only_cached_caches_or_opens_connections() -> None:
    # pages/cached.py holds the one connection and every cached wrapper; pages reach them via pages.ui.
    assert "st.cache_resource" in (VIEWS / "cached.py").read_text(encoding="utf-8")
    for path in [APP, *VIEWS.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name != "cached.py":
            assert "st.cache_" not in text and "db.connect" not in text, path.name


# The modules behind pages.ui depend one way (session <- cached <- authoring, admin_data <- ui), so
# any of them can be imported first; none imports a page or a page helper.
UI_MODULES = {
    "session": set(),
    "cached": {"session"},
    "authoring": {"cached"},
    "admin_data": {"cached"},
    "ui": {"session", "cached", "authoring", "admin_data"},
}


@pytest.mark.parametrize("name", sorted(UI_MODULES))
def test_the_modules_behind_ui_depend_one_way(name: str) -> None:
    imported = {m.removeprefix("pages.") for m in _imports((VIEWS / f"{name}.py").read_text(encoding="utf-8"))
                if m.startswith("pages.") or m == "pages"}
    assert imported == UI_MODULES[name]


def _imports(source: str) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names
