"""CMS families: the markup a CMS and its common themes print, tried after a site's own selectors and
before the generic rules. WordPress's family is crawler.wordpress.WordPressSpider."""
