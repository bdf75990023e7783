"""Placeholder until implemented."""


def register(registry):
    pass
