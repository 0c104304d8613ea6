"""Sites that are not NukeViet (WordPress, home-grown portals): what the registry's ``generic``
kind reads from their pages, feeds and sitemaps."""
