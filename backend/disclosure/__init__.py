"""政务公开: publications with approval and 依申请公开 requests on the legal clock.

See docs/agenda.md."""
