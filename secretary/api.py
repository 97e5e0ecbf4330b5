"""Core API: the current user, their practices, and a practice's members."""

# Under /api/v1/.
user_patterns: list = []
# Under /api/v1/practices/<practice_slug>/.
practice_patterns: list = []
