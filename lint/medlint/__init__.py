"""medlint: lint, validate and fix medical patient-education Markdown with YAML frontmatter."""

__version__ = "0.1.0"
