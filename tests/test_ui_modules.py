"""pages.ui after its split into pages.session, pages.cached, pages.authoring and pages.admin_data:
every `ui.<name>` the pages and tests use still resolves, `clear_caches` forgets every cached
wrapper that reads the database, and the viewer's scope is part of every cache key that could hold
children's or workers' data."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from pages import admin_data, authoring, cached, session, ui
from qa_data.scope import Scope

SPLIT = (session, cached, authoring, admin_data)

# Cached but never cleared: neither reads the loaded data (public reference tables; a blank template
# that follows the date, kept an hour).
NOT_FROM_THE_LOADED_DATA = {"council_neighbours", "template_bytes"}
# Cached without a scope: the same for every viewer (dates of the latest KPI month, KPI upload and
# action tracker snapshot; nothing about a child or a worker), or not from the loaded data at all.
SCOPE_FREE = {"kpi_data_as_of", "actions_latest_snapshot", *NOT_FROM_THE_LOADED_DATA}


def used_ui_names() -> set[str]:
    """Every `ui.<name>` in app.py, pages/ and tests/, and every "pages.ui.<name>" a test patches."""
    names: set[str] = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "tests").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ui":
                names.add(node.attr)
            elif isinstance(node, ast.ImportFrom) and node.module == "pages.ui":
                names |= {a.name for a in node.names}
        names |= set(re.findall(r"""["']pages\.ui\.(\w+)["']""", text))
    return names


def cached_functions() -> set[str]:
    """The functions in pages/ decorated with st.cache_data, read from the source."""
    found = set()
    for path in (ROOT / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                ast.unparse(d).startswith("st.cache_data") for d in node.decorator_list
            ):
                found.add(node.name)
    return found


def test_every_name_used_through_ui_resolves() -> None:
    used = used_ui_names()
    # The names the sign-in, reports, isolation and admin tests patch are among those found.
    assert {"current_scope", "today", "sample_data_only", "report_quarters", "connection", "clear_caches"} <= used
    assert sorted(n for n in used if not hasattr(ui, n)) == []


@pytest.mark.parametrize("module", SPLIT, ids=lambda m: m.__name__)
def test_each_module_exports_what_it_defines(module: object) -> None:
    # __all__ is what pages.ui re-exports: every public function, class and constant, nothing imported.
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    public = {n for n in defined if not n.startswith("_")}
    exported = module.__all__  # type: ignore[attr-defined]
    assert sorted(exported) == sorted(public) and len(set(exported)) == len(exported)
    # conftest stands in for ui.sample_data_only in every test (the pages call it through ui)
    assert [n for n in exported if getattr(ui, n) is not getattr(module, n)] == (
        ["sample_data_only"] if module is cached else [])


def test_the_split_modules_share_no_names() -> None:
    names = [n for m in SPLIT for n in m.__all__]
    assert len(names) == len(set(names))


def test_clear_caches_forgets_every_cached_wrapper_that_reads_the_loaded_data() -> None:
    clearing = [f.__name__ for f in cached._CACHED]
    assert len(clearing) == len(set(clearing)) == 41
    assert set(clearing) == cached_functions() - NOT_FROM_THE_LOADED_DATA
    assert all(getattr(ui, n) is f for n, f in zip(clearing, cached._CACHED, strict=True))


def test_scope_is_part_of_every_cache_key_for_childrens_and_workers_data() -> None:
    for name in sorted(cached_functions()):
        parameters = list(inspect.signature(getattr(cached, name)).parameters.values())
        if name in SCOPE_FREE:
            assert all(p.annotation != "Scope" for p in parameters), name
        else:
            # Scope first: st.cache_data hashes every argument, and no wrapper opts one out (_name).
            assert (parameters[0].name, parameters[0].annotation) == ("scope", "Scope"), name
            assert not any(p.name.startswith("_") for p in parameters), name


def test_clear_caches_makes_a_wrapper_ask_again(monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    # A cached wrapper answers from its cache until clear_caches; then it reads the database again.
    calls: list[Scope] = []

    def counted(con: object, *, scope: Scope) -> list[str]:
        calls.append(scope)
        return ["Front Door"]

    monkeypatch.setattr("qa_data.voice.respondent_types", counted)
    monkeypatch.setattr("pages.cached.connection", lambda: None)
    fd, cic = Scope(("Front Door",), user="fd"), Scope(("Children in Care",), user="cic")
    assert ui.voice_respondent_types(fd) == ["Front Door"]
    assert ui.voice_respondent_types(fd) == ["Front Door"]
    assert calls == [fd]
    ui.voice_respondent_types(cic)  # another scope is another cache entry
    assert calls == [fd, cic]
    ui.clear_caches()
    ui.voice_respondent_types(fd)
    assert calls == [fd, cic, fd]


@pytest.mark.parametrize("name", ["session", "cached", "authoring", "admin_data", "ui"])
def test_any_of_them_can_be_imported_first(name: str) -> None:
    # No import cycle, and nothing runs at import time: no database is opened.
    code = (
        f"import pages.{name}, sys\n"
        "import pages.ui as ui\n"
        "print(callable(ui.headline), 'duckdb' in sys.modules and "
        "any(type(v).__name__ == 'DuckDBPyConnection' for v in vars(sys.modules['pages.cached']).values()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "True False\n"), done.stderr
