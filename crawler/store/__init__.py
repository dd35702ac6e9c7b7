"""Where articles are kept: the SQLAlchemy models and the one upsert (database.py), the Alembic
migrations, the crawl locks, Persian full-text search and syndicated copies.

Imports crawler.items and crawler.extract (its text and dates).
"""
