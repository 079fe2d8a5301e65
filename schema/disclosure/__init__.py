"""GraphQL API of 政务公开 (backend.disclosure)."""
