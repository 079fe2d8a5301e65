"""The GraphQL API of cases (件)."""
