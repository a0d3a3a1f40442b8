"""Exports: the Cabinet key data summary, the quarterly Q&PC pack and the ILACS self-evaluation evidence.

Content builders (cabinet, qpc, sef) read the data layer and return a format-free `model.Report`;
renderers (xlsx, pdf, docx) write a Report to bytes. No streamlit here.
"""
