"""GraphQL API of 两代表一委员: representatives, places, proposals, consultations."""
