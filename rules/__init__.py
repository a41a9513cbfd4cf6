"""Rule packs: YAML data a content team edits without Python (shipped as `medlint.rules`)."""
