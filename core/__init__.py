"""Domain logic of the title platform. Never imports streamlit."""
