"""The robustness corpus: every golden page in other themes, and how well each field is read from it.

    python3 tasks.py accuracy            # the corpus, our scores beside trafilatura's and htmldate's

variants.py makes the pages (seeded, so the same corpus every run but for the header's today),
themes.py the theme transplants, score.py judges every field of every variant.
"""
