"""The GraphQL API of cases (件): types, queries, the list pages, the unit inbox
subscription and one mutation module per workflow (docs/cases.md)."""
