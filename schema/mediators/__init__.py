"""GraphQL API of the 解事员 pool (backend/mediators)."""
