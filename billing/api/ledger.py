"""(API of this area.)"""

api_patterns: list = []
