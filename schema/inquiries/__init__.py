"""The GraphQL API of 网络问政 and opinion collection (backend.inquiries)."""
