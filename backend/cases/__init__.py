"""Cases (件): intake, routing, the closed loop and publication (docs/cases.md)."""
