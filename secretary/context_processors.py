def practice(request):
    """The practice and membership resolved from the URL, for the layout and navigation."""
    return {
        "practice": getattr(request, "practice", None),
        "membership": getattr(request, "membership", None),
    }
