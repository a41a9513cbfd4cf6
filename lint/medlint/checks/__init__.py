"""Checks: one rule per module; each registers itself with `@register`."""
