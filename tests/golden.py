"""Golden files, one expected JSON per fixture article page, compared field by field (crawler/sources/golden.py).

python -m tests.golden URL [URL ...]   # (re)write the expected JSON of mirror pages, for review
"""

from __future__ import annotations

import sys

from crawler.sources.golden import GOLDEN_ROOT, as_json, golden_path, mirror_response, parse_items, spider_for, write

__all__ = ["GOLDEN_ROOT", "as_json", "golden_path", "mirror_response", "parse_items", "spider_for", "write"]

if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(write(argument))
