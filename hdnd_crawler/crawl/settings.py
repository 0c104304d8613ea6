"""Scrapy settings: polite by default. Everything here can be overridden with ``-s NAME=value``."""

from hdnd_crawler import __version__
from hdnd_crawler.crawl.identity import user_agent

BOT_NAME = "hdnd_crawler"
SPIDER_MODULES = ["hdnd_crawler.crawl.spiders"]
NEWSPIDER_MODULE = "hdnd_crawler.crawl.spiders"
# A spider for every registered site, made from the registry (the user's file beside ARCHIVE_DB).
SPIDER_LOADER_CLASS = "hdnd_crawler.crawl.spiders.registered.RegistrySpiderLoader"

# Where the archive lives; relative paths are taken from the working directory.
ARCHIVE_DB = "archive/hdnd.db"
# The user's site registry, layered over the built-in one ("": sites.toml beside ARCHIVE_DB).
SITES_FILE = ""

# An honest, desktop-looking identity: NukeViet serves another theme to phone-like agents.
# Whoever runs the crawler sets where a site's operator can reach them (a URL or mailto:);
# the crawl warns while it is unset.
CONTACT_URL = ""
USER_AGENT = user_agent(__version__, CONTACT_URL)

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# At least this long between two requests to a site; AutoThrottle lengthens it when the
# server slows down.
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Wait RETRY_BACKOFF_BASE * 2**(attempt-1) seconds, at most RETRY_BACKOFF_MAX, before a retry.
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "hdnd_crawler.crawl.middlewares.retry.BackoffRetryMiddleware": 550,
    # Nearest the network: sees every response as received, before redirects and retries.
    "hdnd_crawler.crawl.warc.WarcMiddleware": 950,
}
SPIDER_MIDDLEWARES = {"hdnd_crawler.crawl.middlewares.attachments.SkipStoredAttachments": 950}
# What a crawl knows of the archive (its plan) comes from a plan source, a component that sets
# spider.plan as the spider opens: here the archive file, in this process. A crawl that has no
# archive at hand names another source. Named, not imported: the spider never loads the archive.
PLAN_SOURCE = "hdnd_crawler.runs.planning.PlanFromArchive"

# Every request and response goes to WARC files in WARC_DIR ("": a "warc" directory beside
# ARCHIVE_DB), a new file past WARC_MAX_SIZE bytes.
WARC_ENABLED = True
WARC_DIR = ""
WARC_MAX_SIZE = 1024 * 1024 * 1024
# Article pages' requisites (stylesheets, scripts, fonts, icons, chrome pictures) are fetched
# into the WARC files too, so that a page replays as it looked; off: the pages and their
# articles' own pictures and files only.
CAPTURE_REQUISITES = True
# Attachments are stored by content in FILES_DIR ("": a "files" directory beside ARCHIVE_DB).
FILES_DIR = ""
ATTACHMENT_MAXSIZE = 64 * 1024 * 1024
# An attachment already stored for its article is not downloaded again unless this is on.
ATTACHMENTS_REFETCH = False

COOKIES_ENABLED = False  # NukeViet's session cookies only change the page's tokens.
REDIRECT_MAX_TIMES = 5
# A redirect loop ends as a counted failure instead of being dropped as a duplicate.
DUPEFILTER_CLASS = "hdnd_crawler.crawl.dupefilter.RedirectsAreNotDuplicates"

# Incremental runs re-check articles published in the last RECHECK_DAYS for edits, each once
# it has not been seen for RECHECK_AFTER_HOURS (so a run right after another re-checks nothing).
RECHECK_DAYS = 14
RECHECK_AFTER_HOURS = 20
# A run that reads the body of fewer article pages than this share suspects a layout change.
HEALTH_MIN_BODY_SHARE = 0.9
# A run that wrote to the search index merges it into one b-tree when it ends
# (hdnd_crawler.archive.store.Archive.merge_search_index); reextract merges once, after every run.
SEARCH_INDEX_MERGE = True
HTTPCACHE_ENABLED = False

ITEM_PIPELINES = {
    "hdnd_crawler.pipelines.ValidatePipeline": 100,
    "hdnd_crawler.pipelines.NormalizePipeline": 200,
    "hdnd_crawler.pipelines.DeduplicatePipeline": 300,
    "hdnd_crawler.pipelines.AttachmentFilesPipeline": 350,
    "hdnd_crawler.pipelines.StorePipeline": 400,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port on a machine that runs from cron

# Crawl workers (`hdnd-crawler worker`): a request holds its site's lease in Redis at most this
# long (a worker that died holding one lets it lapse); a worker renews its heartbeat this often
# and is taken for dead, its taken requests queued again, after three beats missed.
CLUSTER_LEASE_SECONDS = 60
CLUSTER_HEARTBEAT_SECONDS = 5
