"""Yishi (议事) backend: `core/` (what every domain stands on), one package per domain
(`meetings/`, `people/`, `audit/`, `record/`), and `server/` (the app wiring)."""
