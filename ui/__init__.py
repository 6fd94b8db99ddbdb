"""Streamlit helpers: the only place besides pages/ and Home.py that imports streamlit."""
