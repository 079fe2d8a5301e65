"""Core: what every domain stands on and that knows no domain's workflow: the database
and its transactions (`db`), the declarative base (`base`), settings, errors, security
(tokens, passwords, `Principal`), request limits, county rules, text validation and
observability."""
