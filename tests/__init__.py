"""staffcast tests (a package, so test helpers can be imported by their full name)."""
