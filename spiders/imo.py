"""The national Organization of Municipalities and Rural Administrations (سازمان شهرداری‌ها و
دهیاری‌های کشور), on an ASP.NET WebForms portal.

News code: the portal's content key in the article URL «/RContent/<key>-<slug>.aspx» (letters and
digits: «NKXL», «13D1RAC»), kept exactly as the portal writes it, since the key may be case-sensitive.
The pages print no news code of their own.

Dates: the article header prints «۱۳۹۸/۰۳/۰۴», sometimes with a time. Some items leave the date field
empty (the seed page text shows no date but its body's): they take a date of their own text only where
the text names it («در تاریخ …», «امروز …»; date-only, provenance «text»), any other date there being an
event's. That is the site's norm, declared in `usual_steps`, not a layout change: a template that
stopped printing dates would leave most articles with none, which the date's coverage monitor reports.

Old items (assumed: 1380s) are still served in the old table template and in windows-1256 (declared
in their meta charset). Its markup shares no class with the current one, but WebForms keeps the
server-control ids («…_lblTitr», «…_lblNewsDate», «…_lblNewsText»), which the ASP.NET family reads, so
title, date and body are read there in both: an old item is no layout change.
"""

from crawler.sources.aspnet import AspNetPortalSpider

BASE = "https://imo.org.ir"


class ImoSpider(AspNetPortalSpider):
    name = "imo"
    hosts = ("imo.org.ir", "www.imo.org.ir")
    site_name = "سازمان شهرداری‌ها و دهیاری‌های کشور"
    sections = {"news": f"{BASE}/NewsArchive.aspx"}
    # IIS answers paths in any letter case.
    article_url = r"(?i)^https?://(www\.)?imo\.org\.ir/RContent/(?P<code>[0-9a-z]+)(-[^/?#]*)?\.aspx([?#]|$)"
    listing_links = ".NewsList a::attr(href)"
    next_page = ".Pager a.Next::attr(href)"
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
    drop_from_body = ("script", "style", ".Gallery", ".NewsTags", ".Share", ".Comments")
    usual_steps = {"published_at": ("text",)}
