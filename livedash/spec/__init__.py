"""The dashboard specification: YAML-facing models, validation and the immutable plan."""
