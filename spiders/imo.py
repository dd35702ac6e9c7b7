"""The national Organization of Municipalities and Rural Administrations (سازمان شهرداری‌ها و دهیاری‌های کشور),
on an ASP.NET WebForms portal.

News code: the content key in «/RContent/<key>-<slug>.aspx» («NKXL», «13D1RAC»), kept as written.
Dates: the header's «۱۳۹۸/۰۳/۰۴» (sometimes with a time); an item whose date field is empty takes a date
of its text only where the text names it («در تاریخ …», «امروز …»; provenance «text»): the site's norm
(`usual_steps`); a template that stopped printing dates shows in the date's coverage monitor.
Old items (1380s): the old table template in windows-1256, with the server-control ids («…_lblTitr») the ASP.NET
family reads. Discovery: the archive; «/sitemap.xml» (assumed), counted once a day for coverage, read in a backfill.
"""

from crawler.sources.discovery import Listing, Sitemap
from crawler.sources.families import ASPNET
from crawler.sources.spider import NewsSpider


class ImoSpider(NewsSpider):
    name = "imo"
    hosts = ("imo.org.ir", "www.imo.org.ir")
    site_name = "سازمان شهرداری‌ها و دهیاری‌های کشور"
    family = ASPNET
    discovery = (Listing("https://imo.org.ir/NewsArchive.aspx", links=".NewsList a::attr(href)",
                         next_page=".Pager a.Next::attr(href)"), Sitemap("https://imo.org.ir/sitemap.xml"))
    # IIS answers paths in any letter case.
    article_url = r"(?i)^https?://(www\.)?imo\.org\.ir/RContent/(?P<code>[0-9a-z]+)(-[^/?#]*)?\.aspx([?#]|$)"
    selectors = {
        "article": ".NewsView",
        "title": ".NewsView .NewsTitle",
        "kicker": ".NewsView .RooTitr",
        "lead": ".NewsView .Lead",
        "body": ".NewsView .NewsBody",
        "date": ".NewsView .NewsDate",
        "views": ".NewsView .Visit",
        "category": ".Breadcrumb a",
        "tags": ".NewsView .NewsTags a",
        "images": ".NewsView .NewsImage img, .NewsView .Gallery img",
    }
    drop_from_body = (".Gallery", ".NewsTags")
    usual_steps = {"published_at": ("text",)}
