"""App wiring: the ASGI app, which builds what it owns for its lifetime
(`schema.services.AppServices`) in its lifespan (`app`), the
CLI (`cli`, `demo`), migrations (`migrate`), every table in one place for Alembic
(`models`), the embedded PostgreSQL (`embedded`) and the offline GraphiQL (`graphiql`,
`static/`)."""
