"""Page placeholder."""

import streamlit as st

from ui import state

st.title(state.t("nav.communes"))
st.info(state.t("nav.coming", what=state.t("nav.communes")))
