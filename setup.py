"""Only for `scrapyd-deploy`, which builds its egg with `python setup.py bdist_egg`: everything is
declared in pyproject.toml (the scrapy entry point naming the settings module included)."""

from setuptools import setup

setup()
