"""Shared core of the Iranian municipal news crawler."""
