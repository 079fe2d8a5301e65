"""The annual agenda: the consultation catalogue (协商目录) and 民生实事 (docs/agenda.md)."""
