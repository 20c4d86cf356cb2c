"""Streamlit user interface. The only package (with app.py) that imports streamlit."""
