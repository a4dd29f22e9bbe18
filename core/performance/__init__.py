"""Performance evaluation (성과평가); for now only the pure forced-distribution rules."""
