"""Records (协商记录 and, later, cases and decisions): how a sealed stream is signed by its
county, timestamped by an outside authority, and verified from an export alone."""
