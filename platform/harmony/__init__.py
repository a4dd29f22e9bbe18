"""The deployable Harmony project: settings, URL roots, CLI and operational set-up."""
