"""The GraphQL API (strawberry): thin types, queries and mutations over the services."""
