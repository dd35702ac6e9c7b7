"""For `scrapyd-deploy`, which builds its egg with `python setup.py bdist_egg`: everything is declared in
pyproject.toml (the scrapy entry point naming the settings module included). Without this file
scrapyd-deploy writes a setup.py of its own into the checkout (a project named 'project') on every deploy."""

from setuptools import setup

setup()
