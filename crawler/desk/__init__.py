"""The reader's desk: a Datasette plugin (entry point `datasette`, so plain `datasette` loads it too) that
makes a store readable by a Persian reader.

- Search folds what the reader types exactly as the index folded the articles (crawler/store/search.py):
  the functions `persian_fold` / `persian_fts_query` are registered on every connection, and Datasette's
  own table search (`?_search=`, and datasette-search-all through it) gets the folded query.
- Persian titles, column descriptions, facets (source, category, Jalali month), newest first.
- Canned queries: search, latest per source, edited articles, removed articles (once the store records
  removals), sources by freshness, syndicated copies.
- An article's page lists its copies (source, time, the original marked) and its earlier versions, and
  links to the page as it was fetched: `/-/archive/<file>/<offset>` serves the archived record (ARCHIVE_DIR,
  crawler/fetch/archive.py) in a sandbox, with no script of the site's run.
- Right-to-left display.

Imports crawler.store and the archive's reader: the desk reads what is stored.
"""

from __future__ import annotations

import os
from datetime import datetime

from datasette import Response, hookimpl
from markupsafe import Markup, escape

from crawler.fetch.archive import ArchivedRecord, read_record
from crawler.store import search

ARTICLE_COLUMNS = {
    "source": "منبع",
    "news_code": "کد خبر در سایت منبع",
    "url": "نشانی خبر",
    "title": "تیتر",
    "lead": "لید",
    "body": "متن (هر بند در یک سطر)",
    "published_at": "زمان انتشار (با اختلاف ساعت)",
    "published_jalali": "تاریخ انتشار (شمسی)",
    "published_precision": "دقت زمان انتشار: day (تنها روز؛ ساعت ۰۰:۰۰ واقعی نیست)، minute یا second",
    "kicker": "روتیتر",
    "category": "دسته",
    "tags": "برچسب‌ها",
    "authors": "نویسندگان",
    "images": "تصویرها",
    "view_count": "شمار بازدید",
    "crawled_at": "زمان خزش (UTC)",
    "provenance": "هر فیلد از کجای صفحه خوانده شد",
    "content_hash": "اثر محتوا (تیتر، لید، متن)",
    "first_seen_at": "نخستین بار دیده شد",
    "last_seen_at": "آخرین بار دیده شد",
}

TABLES = {
    "articles": {
        "title": "خبرها",
        "description": "هر خبر یک بار، با کد خبر سایت منبع. جست‌وجو فارسی است: ي/ك، "
        "نیم‌فاصله، اعراب و رقم‌ها یکسان دیده می‌شوند.",
        "sort_desc": "published_at",
        "facets": ["source", "category"],
        "label_column": "title",
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "columns": ARTICLE_COLUMNS,
    },
    "article_list": {
        "title": "فهرست خبرها",
        "description": "خبرها با ماه شمسی انتشار، برای پالایش بر پایه منبع، دسته و ماه.",
        "sort_desc": "published_at",
        "facets": ["source", "category", "jalali_month"],
        "columns": {**ARTICLE_COLUMNS, "id": "شناسه خبر", "jalali_month": "ماه انتشار (شمسی)"},
    },
    "article_versions": {
        "title": "نسخه‌های پیشین",
        "description": "محتوای پیشین خبری که سایت منبع آن را بازنویسی کرد.",
        "sort_desc": "replaced_at",
        "columns": {
            "article_id": "خبر",
            "title": "تیتر پیشین",
            "lead": "لید پیشین",
            "body": "متن پیشین",
            "replaced_at": "زمان جایگزینی",
        },
    },
    "copies": {
        "title": "رونوشت‌ها",
        "description": "خبرهایی با متن یکسان یا بسیار نزدیک (بازنشر یک خبر). اصل، خبری است "
        "که زودتر منتشر شد؛ هر دو نگه داشته می‌شوند.",
        "sort_desc": "found_at",
        "columns": {
            "original_id": "اصل",
            "copy_id": "رونوشت",
            "similarity": "شباهت (ژاکارد)",
            "found_at": "زمان یافتن",
        },
    },
    "crawl_runs": {
        "title": "اجراهای خزش",
        "description": "هر منبع در هر اجرا: شمار صفحه‌ها و خبرها و مشکل‌ها.",
        "sort_desc": "id",
        "facets": ["source", "finish_reason"],
    },
    "unpublished_codes": {
        "title": "کدهای منتشرنشده",
        "description": "کدهای خبر درون بازهٔ کدهای پیاپی یک منبع که سایت برایشان 404 یا 410 داد: "
        "برداشته یا هرگز منتشرنشده؛ دوباره پرسیده نمی‌شوند.",
        "sort_desc": "found_at",
        "facets": ["source"],
    },
    "declared_counts": {
        "title": "شمار اعلام‌شده",
        "description": "آنچه سایت هر منبع اعلام می‌کند منتشر کرده (مقاله‌های نقشهٔ سایت، یا پست‌های یک ماه در "
        "REST API) و شمار ذخیره‌شده از آن‌ها، در زمان شمارش.",
        "sort_desc": "counted_at",
        "facets": ["source", "evidence"],
    },
    "copy_bands": {"hidden": True},
    "alembic_version": {"hidden": True},
}

# A column named `article` in a query's result is an article's id: shown as a link to its page.
ARTICLE_LINK = "article"
QUERIES = {
    # Taken down by the site and not back (crawler/sources/revisits.py); the stored text is still there to read.
    "removed_articles": {
        "title": "خبرهای حذف‌شده",
        "description": "خبرهایی که سایت منبع برداشت؛ متن نگه‌داشته‌شده همچنان خواندنی است.",
        "sql": """select id as article, title, source, published_at, removed_at, removed_reason, removed_status
from articles where removed_at is not null and (restored_at is null or restored_at < removed_at)
order by removed_at desc""",
    },
    "search": {
        "title": "جست‌وجوی خبرها",
        "description": "واژه‌ها را همان‌گونه که می‌نویسید وارد کنید: كتاب‌ها، کتاب ها و کتابها یکی‌اند.",
        "sql": """select a.id as article, a.title, a.source, a.published_jalali, a.published_at, a.published_precision,
  (select count(*) from copies c where a.id in (c.original_id, c.copy_id)) as copies
from articles a """
        + search.newest_matches("persian_fts_query(:q)")
        + """
limit 200""",
    },
    "latest_per_source": {
        "title": "تازه‌ترین خبرهای هر منبع",
        "sql": """select source, article, title, published_jalali, published_at, published_precision from (
  select source, id as article, title, published_jalali, published_at, published_precision,
         row_number() over (partition by source order by published_at desc, id desc) as place
  from articles)
where place <= 10
order by source, place""",
    },
    "edited_articles": {
        "title": "خبرهای ویرایش‌شده",
        "description": "خبرهایی که سایت منبع پس از انتشار بازنویسی کرد، با شمار نسخه‌های پیشین.",
        "sql": """select a.id as article, a.title, a.source, a.published_at, count(v.id) as earlier_versions,
  max(v.replaced_at) as last_edited
from articles a join article_versions v on v.article_id = a.id
group by a.id
order by last_edited desc""",
    },
    "sources_by_freshness": {
        "title": "منبع‌ها به ترتیب تازگی",
        "sql": """select a.source, count(*) as articles, max(a.published_at) as latest_published,
  max(a.first_seen_at) as latest_stored,
  (select max(r.finished_at) from crawl_runs r where r.source = a.source) as last_crawl
from articles a
group by a.source
order by latest_stored desc""",
    },
    # Coverage as each source's last crawl that measured it found it (crawler/sources/coverage.py).
    "coverage": {
        "title": "پوشش هر منبع",
        "description": "خبرهای نگه‌داشته در برابر آنچه خود سایت اعلام می‌کند (شمار REST API، نقشهٔ سایت یا بازهٔ "
        "کدهای پیاپی)، در تازه‌ترین اجرایی که آن را سنجید.",
        "sql": """select source, coverage_evidence as evidence, coverage_declared as declared,
  coverage_stored as stored,
  round(100.0 * coverage_stored / nullif(coverage_declared, 0), 1) as percent, finished_at as measured_at
from (select *, row_number() over (partition by source order by finished_at desc, id desc) as place
      from crawl_runs where coverage_declared is not null)
where place = 1
order by percent, source""",
    },
    # Per source and Jalali month: the posts the site says it published that month (a WordPress REST API's count,
    # crawler/sources/discovery.py) against the articles stored; months without a count show the stored alone.
    "coverage_by_month": {
        "title": "پوشش ماه به ماه",
        "description": "برای هر منبع و هر ماه خورشیدی: شمار خبرهایی که سایت می‌گوید منتشر کرد (REST API وردپرس) "
        "در برابر شمار خبرهای نگه‌داشته.",
        "sql": """with stored as (
  select source, substr(published_jalali, 1, 7) as month, count(*) as stored from articles group by 1, 2
), declared as (
  select source, period as month, declared, counted_at from declared_counts where period != ''
)
select s.source, s.month, d.declared, s.stored, round(100.0 * s.stored / nullif(d.declared, 0), 1) as percent,
  d.counted_at
from stored s left join declared d on d.source = s.source and d.month = s.month
union all
select d.source, d.month, d.declared, 0, case when d.declared > 0 then 0.0 end, d.counted_at
from declared d where not exists (select 1 from stored s where s.source = d.source and s.month = d.month)
order by 1, 2 desc""",
    },
    "syndicated": {
        "title": "خبرهای بازنشرشده",
        "description": "هر جفت اصل و رونوشت، با منبع و زمان هر دو.",
        "sql": """select o.id as article, o.source as original_source, o.title, o.published_at as original_published,
  c.source as copy_source, c.published_at as copy_published, c.id as copy, k.similarity
from copies k join articles o on o.id = k.original_id join articles c on c.id = k.copy_id
order by k.found_at desc""",
    },
}

RIGHT_TO_LEFT = """
document.documentElement.dir = "rtl";
document.documentElement.lang = "fa";
const style = document.createElement("style");
style.textContent = "th, td, .hd, .ft, section.content { text-align: right; } "
  + "td { unicode-bidi: plaintext; } pre, code, textarea.sql { direction: ltr; text-align: left; }";
document.head.appendChild(style);
"""


async def archived_link(db, article_id: int) -> str | None:
    """The desk's address of the archived page the article was read from (None: not archived)."""
    columns = set(await db.table_columns("articles"))
    if "archive_file" not in columns:
        return None
    row = (
        await db.execute(
            "select archive_file, archive_offset, archive_digest from articles where id = :id", {"id": article_id}
        )
    ).first()
    if row is None or row["archive_file"] is None:
        return None
    return f"/-/archive/{row['archive_file']}/{row['archive_offset']}?digest={row['archive_digest']}"


def _readable(database: str) -> bool:
    return database not in ("_internal", "_memory")


@hookimpl(trylast=True)
def prepare_connection(conn):
    search.register(conn)
    # Datasette's table search runs `match escape_fts(:search)`: the reader's words, folded (after
    # Datasette's own escape_fts is registered: trylast).
    conn.create_function("escape_fts", 1, search.fts_query, deterministic=True)


@hookimpl
def get_metadata(datasette, key, database, table):
    return {
        "title": "میز خواننده: خبرهای شهرداری‌ها و خبرگزاری‌ها",
        "databases": {name: {"tables": TABLES} for name in datasette.databases if _readable(name)},
    }


@hookimpl
def canned_queries(datasette, database):
    async def queries():
        if not _readable(database):
            return {}
        db = datasette.get_database(database)
        if "articles" not in await db.table_names():
            return {}
        return QUERIES

    return queries


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is None and column == ARTICLE_LINK and isinstance(value, int):
        return Markup(f'<a href="{escape(datasette.urls.row(database, "articles", value))}">{value}</a>')
    if table == "article_list" and column == "id" and isinstance(value, int):
        return Markup(f'<a href="{escape(datasette.urls.row(database, "articles", value))}">{value}</a>')
    return None


@hookimpl
def register_routes():
    return [(r"^/-/archive/(?P<file>[\w-]+\.warc\.gz)/(?P<offset>\d+)$", archived_page)]


async def archived_page(request):
    """The archived page at a record, as the site served it; 404 when the record is not in the archive."""
    record = ArchivedRecord(request.url_vars["file"], int(request.url_vars["offset"]), request.args.get("digest", ""))
    try:
        archived = read_record(os.environ.get("ARCHIVE_DIR", "data/archive"), record)
    except (OSError, ValueError) as error:
        return Response.text(f"not in the archive: {error}", status=404)
    kind = next((value for name, value in archived.headers if name.lower() == "content-type"), "text/html")
    # The site's page on the desk's origin: sandboxed, so none of its scripts runs and it reaches nothing of the desk.
    return Response(
        archived.body,
        content_type=kind,
        headers={"Content-Security-Policy": "sandbox", "X-Archived-From": archived.url},
    )


@hookimpl
def extra_body_script():
    return RIGHT_TO_LEFT


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table != "articles" or request is None:
        return {}

    async def article_page():
        db = datasette.get_database(database)
        try:
            article_id = int(request.url_vars.get("pks", ""))
        except ValueError:
            return {}
        copies = (
            await db.execute(
                """select a.id, a.source, a.title, a.published_at, k.similarity
               from copies k join articles a on a.id = case k.original_id when :id then k.copy_id else k.original_id end
               where :id in (k.original_id, k.copy_id)""",
                {"id": article_id},
            )
        ).rows
        if copies:
            me = (
                await db.execute(
                    "select id, source, title, published_at from articles where id = :id", {"id": article_id}
                )
            ).first()
            group = [{**dict(row), "this": False} for row in copies] + [{**dict(me), "similarity": None, "this": True}]
            group.sort(key=lambda row: (datetime.fromisoformat(str(row["published_at"])), row["id"]))
            for place, row in enumerate(group):
                row["original"] = place == 0
                row["link"] = datasette.urls.row(database, "articles", row["id"])
        else:
            group = []
        versions = (
            await db.execute(
                "select replaced_at, title, substr(body, 1, 300) as body from article_versions where article_id = :id"
                " order by replaced_at desc",
                {"id": article_id},
            )
        ).rows
        return {
            "desk_copies": group,
            "desk_versions": [dict(row) for row in versions],
            "desk_archived": await archived_link(db, article_id),
        }

    return article_page
