"""How far down each newest-first walk of a source is known complete: the watermark.

A walk is a sequence of pages that list a source's articles newest first: a section's listing pages,
an API's pages of posts. Stopping at the first page of stored articles left holes for good: a run
killed, limited in pages, or coming after an outage longer than its pages met stored articles at
once, stopped, and never fetched what lay below them. So the store keeps, per source and walk, its
*complete segments* (table `watermarks`): date ranges of the walk that some run walked down without a
gap (every article listed between the segment's newest and oldest date was stored before, or fetched
in that run), each with the page where the walk below it resumes, or none once the walk reached the
end of the listing. A first run, or a database older than this table, has none: the whole archive
is the gap.

A run starts at the first page and goes on past stored articles until at least half of a page's
articles were listed on a segment's first page, or are stored ones dated within it: it has joined
that segment. If there is a gap below
the segment (it has a resume page, and is not older than the horizon, ARCHIVE_HORIZON), the walk
jumps to the resume page and goes on from there; otherwise the walk is complete and stops. A run with
nothing new and no gap thus reads one listing page. Every run has a page budget (LISTING_PAGE_BUDGET,
`-a pages`); what it does not reach, the next run continues. A walk is `behind` while it is not one
segment from the top down to the end of the listing or the horizon.

Pages move as articles arrive (page 10 of last night is page 12 today), so pages are recognised by
what they list, not by their number: a segment is a range of publication dates (the stored
`published_at` of the articles listed), and the resume page is the last page the walk read in full,
not the one after it. Articles published since push that page's entries down, so on resuming it shows
articles of the segment again, then the next ones: nothing between is passed over. A page's place in
time is its median date, so that a post pinned to the top of a listing, or one dated wrongly, does not
move it; a segment ends at the median date of its last page, claiming a little less than was walked.

Only what a run walked in full counts: a page is part of a segment once every article it lists was
stored or parsed (`Stretch.segment`); the segments are written when the spider closes, after the
store has written its last batch, and not at all after a store failure. A killed run records
nothing; the next one walks its pages again and skips the articles it stored. A backfill (`-a since`)
walks every page down to its date, and records what it walked; a resumable job (JOBDIR) records
nothing, since once restarted it does not begin at the first page.

Any newest-first walk uses the same: its strategy (crawler/sources/discovery.py) hands each page to
`NewsSpider.walk_page`, which passes its article links through `NewsSpider.article_requests`, then
asks `NewsSpider.walk_on` where to go, with the walk's own name (a listing's is its section).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Protocol, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.store.database import Store, Watermark


@dataclass(frozen=True)
class Segment:
    """A stretch of a walk known complete: every article listed from `newest` down to `oldest` (the median
    date of the last page read)."""

    newest: datetime
    oldest: datetime
    #: The last page read in full at the bottom of the segment, where the walk below it resumes;
    #: None when the walk reached the end of the listing.
    resume_url: str | None = None
    resume_page: int | None = None
    #: The articles listed on its first page (link keys, crawler.sources.spider.link_key): a page listing
    #: mostly these has reached the segment, whatever dates the site prints.
    top: frozenset[bytes] = field(default=frozenset(), compare=False)

    # Both compare strictly at a segment's top: articles published in the same minute (or on the same
    # day, where a site prints dates only) as its newest may be listed above it, not walked yet.
    def holds(self, moment: datetime) -> bool:
        return self.oldest <= moment < self.newest

    def overlaps(self, other: Segment) -> bool:
        """Whether the two are one stretch of the walk: they overlap, or one lies within the other."""
        return (
            (self.oldest < other.newest and other.oldest < self.newest) or self.contains(other) or other.contains(self)
        )

    def contains(self, other: Segment) -> bool:
        return self.oldest <= other.oldest and other.newest <= self.newest

    def union(self, other: Segment) -> Segment:
        """Both, as one segment: the walk resumes below the lower one (on equal dates, the one that got
        further down the listing)."""
        lower = min(self, other, key=lambda segment: (segment.oldest, -(segment.resume_page or float("inf"))))
        return lower.below(max(self, other, key=lambda segment: segment.newest))

    def below(self, upper: Segment) -> Segment:
        """This segment, extended up to the top of `upper`."""
        if upper.newest < self.newest:
            return self
        return replace(self, newest=upper.newest, top=upper.top)


class Page(Protocol):
    """A page a walk read, as its articles' dates become known (crawler.sources.spider.ListingAges)."""

    url: str
    number: int
    pending: int
    dates: list[datetime]  # of its articles, as they become known

    @property
    def newest(self) -> datetime | None: ...

    @property
    def middle(self) -> datetime | None:  # the median date: where the page sits, whatever an odd article says
        ...


@dataclass(frozen=True)
class Place:
    """Where a page sits in a walk: its walk, its number in the listing, the stretch of this run it is part of."""

    walk: str
    number: int = 1
    stretch: int = 0


@dataclass
class Stretch:
    """Pages a run read one after the other: from the first page (`base` None), or from the resume page
    of a segment (`base`), which the stretch then continues downwards."""

    base: Segment | None
    pages: list[Page] = field(default_factory=list)
    #: The articles its first page lists.
    top: frozenset[bytes] = frozenset()
    reached_end: bool = False
    #: The segment below that its last page joined.
    joined: Segment | None = None

    def segment(self) -> Segment | None:
        """What this stretch makes complete: its pages read in full, up to the first that was not."""
        done = list(itertools.takewhile(lambda page: page.pending == 0, self.pages))
        dated = [page for page in done if page.newest is not None]
        if not dated:
            return self.base
        last = done[-1]
        ends = len(done) == len(self.pages) and self.reached_end
        # A page with a newest date has a middle one.
        segment = Segment(
            max(cast(datetime, page.newest) for page in dated),
            cast(datetime, dated[-1].middle),
            None if ends else last.url,
            None if ends else last.number,
            self.top,
        )
        if self.joined is not None and len(done) == len(self.pages):
            # Down to the segment it joined, and on where that one goes on.
            segment = self.joined.below(segment)
        if self.base is not None:
            segment = replace(segment, oldest=min(segment.oldest, self.base.oldest)).below(self.base)
        return segment


@dataclass
class Frontier:
    """One walk of one source: its complete segments as stored (newest first), and this run's stretches."""

    source: str
    walk: str
    segments: list[Segment]
    horizon: datetime | None = None
    stretches: list[Stretch] = field(default_factory=lambda: [Stretch(None)])
    pages_read: int = 0

    @classmethod
    def load(cls, store: Store, source: str, walk: str, horizon: datetime | None = None) -> Frontier:
        with Session(store.engine) as session:
            rows = session.scalars(
                select(Watermark)
                .where(Watermark.source == source, Watermark.walk == walk)
                .order_by(Watermark.newest.desc())
            ).all()
        segments = [
            Segment(
                row.newest, row.oldest, row.resume_url, row.resume_page, frozenset(map(bytes.fromhex, row.top_links))
            )
            for row in rows
        ]
        return cls(source, walk, segments, horizon)

    def save(self, store: Store, segments: list[Segment]) -> None:
        """Replaces the walk's segments, in one transaction."""
        now = datetime.now(timezone.utc)
        with Session(store.engine) as session, session.begin():
            session.execute(delete(Watermark).where(Watermark.source == self.source, Watermark.walk == self.walk))
            session.add_all(
                Watermark(
                    source=self.source,
                    walk=self.walk,
                    newest=segment.newest,
                    oldest=segment.oldest,
                    resume_url=segment.resume_url,
                    resume_page=segment.resume_page,
                    top_links=sorted(key.hex() for key in segment.top),
                    recorded_at=now,
                )
                for segment in segments
            )

    # -- during the run ----------------------------------------------------------------------------

    def read(self, place: Place, page: Page, links: frozenset[bytes], last: bool) -> Stretch:
        """Notes a page the walk read at `place`, listing these articles (link keys); `last`: the listing
        has no page after it."""
        self.pages_read += 1
        page.number = place.number
        stretch = self.stretches[place.stretch]
        if not stretch.pages:
            stretch.top = links
        stretch.pages.append(page)
        stretch.reached_end = stretch.reached_end or last
        return stretch

    def join(self, place: Place, page: Page, links: frozenset[bytes]) -> Segment | None:
        """The segment below the stretch's own that at least half of this page's articles belong to (a
        post pinned to the top of a page of new articles is not enough): listed on its first page, or
        stored and dated within it. The stretch has reached it."""
        stretch = self.stretches[place.stretch]
        below = self.segments[self.segments.index(stretch.base) + 1 :] if stretch.base is not None else self.segments
        stretch.joined = next(
            (
                segment
                for segment in below
                if links
                and (
                    2 * len(links & segment.top) >= len(links) or 2 * sum(map(segment.holds, page.dates)) >= len(links)
                )
            ),
            None,
        )
        return stretch.joined

    def complete_below(self, segment: Segment) -> bool:
        """Whether nothing is missing below this segment: the walk reached the end or the horizon there."""
        return segment.resume_url is None or self.past_horizon(segment.oldest)

    def past_horizon(self, moment: datetime | None) -> bool:
        return self.horizon is not None and moment is not None and moment < self.horizon

    def resume(self, segment: Segment) -> tuple[str, Place]:
        """Where the walk goes to fill the gap below a segment: a new stretch from its resume page."""
        assert segment.resume_url is not None and segment.resume_page is not None
        self.stretches.append(Stretch(segment))
        return segment.resume_url, Place(self.walk, segment.resume_page, len(self.stretches) - 1)

    def resumed_where_expected(self, place: Place, page: Page) -> bool:
        """Whether the page a stretch resumed at (once read) still lists an article of its segment, dated on
        or after the segment's bottom; if not, articles deleted from the site moved pages up, past where
        the walk had stopped."""
        stretch = self.stretches[place.stretch]
        if stretch.base is None or stretch.pages[0] is not page:
            return True
        return page.newest is not None and page.newest >= stretch.base.oldest

    # -- at the end of the run ---------------------------------------------------------------------

    def finish(self) -> list[Segment]:
        """The segments once this run's stretches are added: overlapping ones merged, newest first."""
        found = [*self.segments, *filter(None, (stretch.segment() for stretch in self.stretches))]
        merged: list[Segment] = []
        # Newest first; of two with the same top, the longer first, so that the other lies within it.
        ordered = sorted(found, key=lambda segment: (segment.newest, -segment.oldest.timestamp()), reverse=True)
        for segment in ordered:
            if merged and merged[-1].overlaps(segment):
                merged[-1] = merged[-1].union(segment)
            else:
                merged.append(segment)
        return merged

    def describe_gaps(self, segments: list[Segment]) -> str:
        """Where a walk that is behind stands, for the log."""
        if not segments:
            return f"{self.walk}: nothing known complete yet; the next runs walk on from the first page"
        top = segments[0]
        below = f", and {len(segments) - 1} more below it" if len(segments) > 1 else ""
        resumes = (
            f"the walk resumes at page {top.resume_page} ({top.resume_url})"
            if top.resume_url
            else f"the walk goes on below it to {segments[1].newest.date()}"
        )
        return (
            f"{self.walk}: known complete from {top.newest.date()} down to {top.oldest.date()}{below}; "
            f"the next runs continue: {resumes}"
        )

    def behind(self, segments: list[Segment]) -> bool:
        """Whether a gap remains: the walk is not one segment from the top down to the end or the horizon."""
        return len(segments) != 1 or not self.complete_below(segments[0])
