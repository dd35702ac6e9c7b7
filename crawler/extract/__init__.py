"""Reading one fetched page into an article item: the extraction chain (structured data, the site's
selectors, its CMS family's, generic rules), Persian text and dates, where things sit on a page.

Takes a page and a Site (site.py), the small description a source's spider owns; no crawl, no
database, no network. A WordPress REST API post is read beside the page (posts.py), with the same body
cleaner. Imports only crawler.items.
"""
