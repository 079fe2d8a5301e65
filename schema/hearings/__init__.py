"""The GraphQL API of hearings (backend.hearings)."""
