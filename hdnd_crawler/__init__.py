"""hdnd-crawler: an archival crawler for Vietnamese provincial government sites on NukeViet."""

__version__ = "0.1.0"
