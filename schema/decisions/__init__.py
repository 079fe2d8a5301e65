"""The GraphQL API of major administrative decisions (backend.decisions)."""
