"""Documents other than the convention itself: filled in by the later steps."""

KINDS = {}
