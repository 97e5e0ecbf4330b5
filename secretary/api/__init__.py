"""Core API: the current user, their practices, members, invitations, activity and tokens.

``user_patterns`` mount under ``/api/v1/``; ``practice_patterns`` under
``/api/v1/practices/<practice_slug>/`` (the root URLconf adds the prefix).
"""

from secretary.api.views import practice_patterns, user_patterns

__all__ = ["practice_patterns", "user_patterns"]
