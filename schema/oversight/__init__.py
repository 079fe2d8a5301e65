"""GraphQL API of oversight (backend/oversight)."""
