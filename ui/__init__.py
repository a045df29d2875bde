"""Streamlit-side helpers shared by app.py and app_pages/: the caching boundary and the filters."""
