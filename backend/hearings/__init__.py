"""Hearings (听证会) with a verifiable stratified draw, and the 列席 selection.

See docs/hearings.md."""
