"""Counties (tenants), their org-unit tree and 说事 venues, and row-level security."""
