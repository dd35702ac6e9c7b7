"""A long Hamshahri archive for the incremental crawl: a few hundred articles over many listing pages,
newest first, an hour apart, written into a copy of the mirror from a fixture page (bench/synthetic.py's
templates: the news code replaced wherever the page prints it, and here the publication instant too).
`publish` adds newer articles between runs, and every older one moves down the pages, as on the
live site."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.synthetic import Chrome, Listing, Template, mirror_file
from crawler.fetch.mirror import mirrored_url
from crawler.fetch.mirror_server import DEFAULT_ROOT, resolve
from tests.golden import GOLDEN_ROOT
from tests.support.served import SPIDERS, copy_mirror

TEHRAN = ZoneInfo("Asia/Tehran")
FIXTURE = GOLDEN_ROOT / "hamshahri" / "962182.json"
FIRST_CODE = 5_000_000
# The first article's instant; the fixture page prints its own in these two forms.
FIRST = datetime(2025, 1, 1, 8, 0, tzinfo=TEHRAN)


class Archive:
    def __init__(self, root: Path, articles: int, per_page: int = 10):
        self.root = copy_mirror(root)
        # A site read by its listing alone: the mirror's sitemap lists Hamshahri's own articles, not these.
        (self.root / "www.hamshahrionline.ir" / "sitemap.xml").unlink()
        self.per_page = per_page
        template = Template.from_golden(FIXTURE)
        assert isinstance(template, Template), template
        self.template = template
        spider = SPIDERS.load("hamshahri")()
        assert spider.section is not None
        self.start = spider.sections[spider.section]
        listing_file = resolve(DEFAULT_ROOT, mirrored_url("", self.start))
        assert listing_file is not None, self.start
        self.listing = Listing(spider, self.start, listing_file.read_bytes())
        self.chrome = Chrome([])
        self.instants: dict[str, datetime] = {}  # by news code, newest first
        self.publish(articles)

    @property
    def codes(self) -> list[str]:
        """The news codes, newest first, as the listing shows them."""
        return list(self.instants)

    def publish(self, count: int) -> list[str]:
        """Adds `count` articles newer than every other, and lists them first; returns their codes."""
        published = {}
        for number in range(len(self.instants), len(self.instants) + count):
            code, instant = str(FIRST_CODE + number), FIRST + timedelta(hours=number)
            page = self.template.page_for(code, self.chrome, 0).decode(self.template.encoding)
            page = page.replace(self.template.expected["published_at"], instant.isoformat())
            mirror_file(self.root, self.template.url_for(code)).parent.mkdir(parents=True, exist_ok=True)
            mirror_file(self.root, self.template.url_for(code)).write_text(page, encoding=self.template.encoding)
            published[code] = instant
        self.instants = dict(reversed(published.items())) | self.instants
        self.write_listing()
        return list(published)

    def page_of(self, code: str) -> int:
        return self.codes.index(code) // self.per_page + 1

    def page_url(self, number: int) -> str:
        url = self.listing.url
        for page in range(2, number + 1):
            url = self.listing.page_url(page, url)
        return url

    def write_listing(self) -> None:
        urls = [self.template.url_for(code) for code in self.codes]
        chunks = [urls[start : start + self.per_page] for start in range(0, len(urls), self.per_page)]
        for number, chunk in enumerate(chunks, start=1):
            following = self.page_url(number + 1) if number < len(chunks) else None
            mirror_file(self.root, self.page_url(number)).write_bytes(self.listing.render(chunk, following))
