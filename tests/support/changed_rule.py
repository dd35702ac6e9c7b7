"""A spider module with one reading rule changed: hamshahri's body also drops its last paragraph.
`scrapy reextract -s SPIDER_MODULES=tests.support.changed_rule` reads the archive with it (tests/test_archive.py)."""

import spiders.hamshahri as hamshahri


class HamshahriWithoutLastParagraph(hamshahri.HamshahriSpider):
    drop_from_body = (*hamshahri.HamshahriSpider.drop_from_body, ".item-text p:last-child")
