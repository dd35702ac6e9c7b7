"""Getting pages: the headless browser and the CDN challenges it solves, the offline mirror and its
loopback server (the demo's), which hosts and addresses a crawl may reach, backoff between retries.
Scrapy components wired by settings.py.

Imports nothing else of the crawler.
"""
