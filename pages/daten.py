import streamlit as st

st.write("in Arbeit")
