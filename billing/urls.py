"""Routes of this app, mounted by the root urlconf under the practice prefixes."""

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = []
# Under /portal/<practice_slug>/ (client contacts).
portal_patterns: list = []
