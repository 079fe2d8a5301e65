"""App wiring: the ASGI app and what it owns for its lifetime (`app`, `services`), the
CLI (`cli`, `demo`), migrations (`migrate`), every table in one place for Alembic
(`models`), the embedded PostgreSQL (`embedded`) and the offline GraphiQL (`graphiql`,
`static/`)."""
