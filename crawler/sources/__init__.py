"""What a source is: the spider every source describes itself over (spider.py), the CMS families it
may build on (WordPress with its REST API, Nastooh, ASP.NET portals), the newest-first walks known
complete (frontier.py), revisits of stored articles, and golden files recorded from a source's pages.

Imports items, extract, store, fetch, run and pipelines (a golden file is the item after normalize).
"""
