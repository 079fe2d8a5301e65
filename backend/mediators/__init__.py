"""The 解事员 (mediator) pool: see docs/mediators.md."""
