"""乡村振兴目标监测 served: the pages (app.py) with the sign-in cookie's routes and the gate before Streamlit's file
routes (ui/server.py). Run it as `streamlit run serve.py`."""

import streamlit as st

from ui.server import middleware, routes

app = st.App("app.py", routes=routes(), middleware=middleware())
