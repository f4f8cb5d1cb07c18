"""Business logic, independent of HTTP: views and the CLI call these."""
