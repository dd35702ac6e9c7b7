"""ASP.NET WebForms news portals: their server controls keep their ids («…_lblTitle», «…_lblNewsText»)
whatever the template, so the family reads them by the end of their id.

Covers portals with news controls named `_lblTitle`/`_lblNewsTitle`/`_lblTitr`, `_lblRooTitr`, `_lblLead`,
`_lblNewsText`/`_lblBody`, `_lblNewsDate`, `_lblVisit`, and the Sigma-style portal whose text sits in a
`span.Content` inside a `td.Content` that wraps the whole template (`ShowPage.aspx?…&ID=<number|GUID>`,
the `ID` being the only id: see ArticlePage.news_code_steps). A list's dates (`…_rptNews_ctl00_lblDate`)
are never the article's, so no selector ends in a bare `_lblDate`.
"""

from crawler.sources.spider import NewsSpider


class AspNetPortalSpider(NewsSpider):
    selectors = {
        "title": "span[id$=_lblTitle], span[id$=_lblNewsTitle], span[id$=_lblTitr]",
        "kicker": "span[id$=_lblRooTitr], span[id$=_lblRootitr]",
        "lead": "span[id$=_lblLead], span[id$=_lblSummary]",
        "body": "span[id$=_lblNewsText], span[id$=_lblBody], td.Content span.Content",
        "date": "span[id$=_lblNewsDate], span[id$=_lblPublishDate]",
        "views": "span[id$=_lblVisit], span[id$=_lblVisitCount]",
    }
