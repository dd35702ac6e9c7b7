"""The column types of crawler/store/database.py as each database stores them, for the migrations."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = sa.DateTime(timezone=True).with_variant(sa.String(40), "sqlite")  # AwareDateTime
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
