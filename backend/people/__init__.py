"""People: accounts, roles (memberships) and sign-in."""
