"""GraphQL API of the annual agenda (backend.agenda)."""
