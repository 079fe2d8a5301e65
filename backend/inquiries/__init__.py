"""网络问政 schedule and sessions, and the opinions collected before a 述职报告会
(docs/inquiries.md)."""
