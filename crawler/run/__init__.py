"""What surrounds a crawl: the checks before it (preflight), the layout-drift monitors and the
end-of-run summary after it, freshness of each source, the outcome of listing pages, recovery of a
killed job, a long crawl's memory kept flat, and the clock the watch commands go by.

Imports crawler.items, crawler.extract, crawler.store and crawler.fetch.
"""
