"""The floor: what reading every page and parsing its frontmatter costs in Python, one core.

No Markdown parse and no rules: read each `.md` file under the folders given, split off the
`---` block and load it with PyYAML's C loader. Anything medlint does on top of this is what the
benchmark's other rows measure.

    python bench/floor.py FOLDER...
"""

from __future__ import annotations

import os
import sys

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


def pages_under(paths: list[str]) -> list[str]:
    out: list[str] = []
    for top in paths:
        if os.path.isfile(top):
            out.append(top)
            continue
        for folder, _dirs, files in os.walk(top):
            out.extend(os.path.join(folder, name) for name in files if name.endswith(".md"))
    return out


def main(paths: list[str]) -> int:
    pages = keys = 0
    for path in pages_under(paths):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        pages += 1
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end > 0:
                data = yaml.load(text[4:end], Loader=Loader)
                keys += len(data) if isinstance(data, dict) else 0
    print(f"{pages} pages, {keys} keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
