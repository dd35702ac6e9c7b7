"""What the test suite starts and shares: a throwaway PostgreSQL server, loopback sites (an archive, pages
written by JavaScript, a misbehaving mirror), scrapyd servers, the WordPress REST API mirror writer, and
the check for the system programs some tests need. None of it ships with the crawler."""
