"""API routes of this app, mounted under /api/v1/practices/<practice_slug>/."""

api_patterns: list = []
