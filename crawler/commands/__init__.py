"""The project's `scrapy` commands (COMMANDS_MODULE), one module each: `crawl` with a summary, `crawlall`
for cron, `refetch` of one URL, `record` of a golden test, `addsource` of a new site from its address,
`history`, `freshness`, `report`, `snapshot` and `browse` for the watch and the desk.

May import every crawler subpackage and pipelines; nothing imports a command but Scrapy (and `history`
and `record`, which reuse `refetch`).
"""
