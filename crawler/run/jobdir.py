"""A resumable job (JOBDIR) that survives SIGKILL.

Scrapy writes a job's queue index (`requests.queue/active.json`) only when the crawl closes, but marks
requests as seen (`requests.seen`) as soon as they are queued. A crawl killed with SIGKILL thus leaves
a job directory whose queue is lost while its seen-list would filter those very requests out on
restart: resumed as it is, the crawl would silently lose them. This extension marks a job directory
while a crawl runs in it; finding the mark at start means the last crawl was killed, and the job's
state is discarded so the crawl starts over. Nothing is lost, and nothing is fetched or stored twice:
a resumable job walks every listing page (see `NewsSpider.incremental`) and skips the articles stored
before the kill. After a clean stop (Ctrl-C once, SIGTERM) Scrapy's own resume is used as it is.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

from crawler.stats import JOBDIR_RESTARTED_AFTER_KILL

logger = logging.getLogger(__name__)

JOB_STATE = ("requests.seen", "requests.queue", "spider.state")


class KilledJobRecovery:
    def __init__(self, crawler, jobdir: Path):
        self.crawler = crawler
        self.running = jobdir / "crawl.running"
        if self.running.exists():
            logger.warning(
                "the last crawl in %s was killed (%s): its queue is lost; starting the job over, "
                "skipping the articles it stored",
                jobdir,
                self.running.read_text().strip(),
            )
            for name in JOB_STATE:
                path = jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            self.recovered = True
        else:
            self.recovered = False
        self.running.write_text(f"pid {os.getpid()}\n")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = job_dir(crawler.settings)
        if not jobdir:
            raise NotConfigured
        return cls(crawler, Path(jobdir))

    def spider_opened(self, spider) -> None:
        if self.recovered:
            self.crawler.stats.set_value(JOBDIR_RESTARTED_AFTER_KILL, 1)

    def spider_closed(self, spider) -> None:
        # The scheduler has written the job's queue by now (it closes before this signal).
        self.running.unlink(missing_ok=True)
