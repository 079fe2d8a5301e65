"""两代表一委员: representatives, their places, proposals and consultations
(docs/representatives.md)."""
