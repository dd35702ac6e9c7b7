"""What a source is: the one spider every source is (spider.py), described by data: its discovery
strategies (discovery.py: a WordPress REST API, listings, feeds, sitemaps), its CMS family's defaults
(families.py), and the registry of sources written in TOML with the spider loader that makes each entry
a spider (registry.py); the newest-first walks known complete (frontier.py), revisits of stored
articles, and golden files recorded from a source's pages.

Imports items, extract, store, fetch, run and pipelines (a golden file is the item after normalize).
"""
