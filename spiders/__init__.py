"""One module per source: a description of its site over the base in crawler/."""
