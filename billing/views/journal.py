"""(Pages of this area.)"""

staff_patterns: list = []
portal_patterns: list = []
