"""``--set`` is checked before a crawl starts: a typo of a name or a value of the wrong type is
one line and exit status 2, with nothing crawled and no crawl_runs row."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hdnd_crawler.cli import cli
from hdnd_crawler.crawl.overrides import SettingError, check_overrides
from hdnd_crawler.runs.runner import project_settings


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("RECHEK_DAYS=3", "no setting is named RECHEK_DAYS; did you mean RECHECK_DAYS?"),
        ("recheck_days=3", "no setting is named recheck_days; did you mean RECHECK_DAYS?"),
        ("DOWNLOAD_DELEY=1", "did you mean DOWNLOAD_DELAY?"),  # Scrapy's own
        ("RECHECK_DAYS=abc", "RECHECK_DAYS must be a number (default: 14)"),
        ("DOWNLOAD_DELAY=soon", "DOWNLOAD_DELAY must be a number (default: 0.25)"),
        ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY must be true or false (or 1 or 0)"),
        ("RETRY_HTTP_CODES=500,abc", "must be a comma-separated list of whole numbers"),
        ("EXTENSIONS=[1]", 'EXTENSIONS must be a JSON object, e.g. {"name": 100}'),
        ("ITEM_PIPELINES={oops", "ITEM_PIPELINES must be a JSON object"),
    ],
)
def test_a_bad_setting_is_one_line_and_nothing_is_crawled(tmp_path, given, message):
    db = tmp_path / "hdnd.db"
    # Port 9: were the crawl to start, it would fail (exit 1) and write a crawl_runs row.
    args = ["crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9", "--set", given]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: --set {given}: ")
    assert message in result.output and result.output.count("\n") == 1
    assert not db.exists()  # not even opened: no crawl_runs row
    assert not list(tmp_path.iterdir())  # no lock file, no WARC


@pytest.mark.parametrize(
    "given",
    [
        {"RECHECK_DAYS": "30"},
        {"RECHECK_DAYS": "2.5", "DOWNLOAD_TIMEOUT": "7.5"},  # both read as floats
        {"AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "1", "WARC_ENABLED": "true"},
        {"RETRY_HTTP_CODES": "500,503", "LOG_LEVEL": "DEBUG", "LOG_FILE": "/tmp/x.log"},
        {"MY_EXTENSION_LIMIT": "anything"},  # unlike any known name: an extension's own
    ],
)
def test_good_settings_pass_and_are_applied(given):
    check_overrides(given, project_settings())
    settings = project_settings(given)
    for name, value in given.items():
        assert settings[name] == value


def test_a_json_object_is_merged_into_a_component_setting():
    closer = "scrapy.extensions.closespider.CloseSpider"
    settings = project_settings({"EXTENSIONS": f'{{"{closer}": 1}}'})
    assert settings.getdict("EXTENSIONS")[closer] == 1


def test_project_settings_refuses_a_typo_before_anything_starts():
    with pytest.raises(SettingError, match="did you mean HEALTH_MIN_BODY_SHARE"):
        project_settings({"HEALTH_MIN_BODY_SHAR": "0.5"})
