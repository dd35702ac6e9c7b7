"""Shared core of the Iranian municipal news crawler, one subpackage per concern.

Each may import only the ones above it in this list (tests/test_architecture.py checks it):

- `crawler.items`: the article item, the contract every part passes on;
- `crawler.stats`: the crawl stats' keys, named once for every layer that counts or reads them;
- `crawler.extract`: reading one fetched page into an item;
- `crawler.store`: the database, its migrations, locks, search and syndicated copies;
- `crawler.fetch`: getting pages: the browser, CDN challenges, the offline mirror, hosts, retries;
- `crawler.run`: what surrounds a crawl: monitors, the summary, job recovery, memory, the clock;
- `pipelines` (beside crawler/): normalize, validate, dedupe, store, one job each;
- `crawler.sources`: the one spider, discovery strategies, CMS families, the registry of sources, walks,
  revisits, golden files;
- `crawler.commands`, `crawler.desk`: the `scrapy` commands and the newsroom's Datasette desk;
- `spiders` (beside crawler/): one file per source, a description over crawler.sources.

docs/architecture.md follows one URL from discovery to its stored row through these modules.
"""
