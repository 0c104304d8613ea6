"""Spiders: request routing only. What a page means is decided in :mod:`hdnd_crawler.extract`."""
