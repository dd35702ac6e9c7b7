"""Project commands (COMMANDS_MODULE): `crawl` with a summary, `crawlall` for cron."""
