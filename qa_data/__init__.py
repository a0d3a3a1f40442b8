"""QA Insight's data layer: schema, vocabularies, named queries and domain logic over DuckDB.

A plain Python library (no streamlit) that the pages, the loaders, CLIs and tests all use.
"""
