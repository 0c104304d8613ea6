"""Crawling with several workers on several machines around one Redis, and one archive writer.

``enqueue`` puts site jobs in Redis; the ``writer`` (beside the archive, its only writer) opens
a crawl run for each and publishes what is archived of the site; ``worker`` processes crawl the
site with the same spider as a single-process crawl, sharing its request queue and duplicate
filter (scrapy-redis) and its politeness limit, and hand every item and WARC record back
through Redis to the writer. Nothing here is imported by ``hdnd-crawler crawl``.
"""
