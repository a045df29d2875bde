"""Streamlit-side helpers shared by app.py and pages/: the caching boundary and the filters."""
