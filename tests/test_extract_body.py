"""The body cleaner on each markup NukeViet's editor produces."""

import lxml.html
import pytest

from hdnd_crawler.extract.body import extract_body


def body_of(html: str):
    node = lxml.html.fragment_fromstring(
        f'<div id="news-bodyhtml" class="bodytext">{html}</div>', create_parent=False
    )
    return extract_body(node, lambda href: f"http://hdnd.caobang.gov.vn{href}" if href else None)


CASES = {
    "paragraphs": ("<p>Một.</p><p>Hai.</p>", "Một.\n\nHai."),
    "bare text before the first p": ("Mở đầu trần.<p>Một.</p>", "Mở đầu trần.\n\nMột."),
    "br-separated paragraphs": ("Một.<br />\n<br />\nHai.<br />\n<br />Ba.", "Một.\n\nHai.\n\nBa."),
    "all in one justified div": (
        '<div style="text-align: justify;">Một.<br />\n<br />\nHai.</div>',
        "Một.\n\nHai.",
    ),
    "nbsp spacers vanish": ("<p>Một.</p><p>&nbsp;</p><p>Hai.</p>", "Một.\n\nHai."),
    "single br is a line break": ("<p>Dòng một<br>dòng hai</p>", "Dòng một\ndòng hai"),
    "figure caption is a block": (
        '<p>Một.</p><div style="text-align:center"><figure class="image">'
        '<img src="/u/a.jpg" alt="DSC_1.JPG"><figcaption>Ảnh: đại biểu</figcaption></figure></div>',
        "Một.\n\nẢnh: đại biểu",
    ),
    "picture table caption is a block": (
        '<table class="image-center"><tr><td><img src="/u/b.jpg"></td></tr>'
        "<tr><td>Chú thích</td></tr></table><p>Sau.</p>",
        "Chú thích\n\nSau.",
    ),
    "junk alt is not text": ('<p><img alt="DSC_0123.JPG" src="/u/c.jpg"></p><p>Một.</p>', "Một."),
    "data table rows and cells": (
        '<table border="1"><caption>Bảng 1</caption><tr><th>A</th><th>B</th></tr>'
        "<tr><td>1</td><td>2</td></tr></table>",
        "Bảng 1\n\nA\tB\n1\t2",
    ),
    "lists, headings, quotes": (
        "<h3>Tiêu đề</h3><ul><li>Một</li><li>Hai</li></ul><ol><li>Ba</li></ol>"
        "<blockquote><p>Trích.</p></blockquote><p><strong>1. Về kinh tế</strong></p>",
        "Tiêu đề\n\nMột\n\nHai\n\nBa\n\nTrích.\n\n1. Về kinh tế",
    ),
    "in-body byline stays": (
        '<p>Một.</p><p style="text-align: right;"><strong>Hoàng Lan</strong></p>',
        "Một.\n\nHoàng Lan",
    ),
    "scripts, embeds and hidden nodes go": (
        "<p>Một.</p><script>var x = 1;</script><iframe src='/v'></iframe>"
        '<div style="display:none">Ẩn</div><p>Hai.</p>',
        "Một.\n\nHai.",
    ),
    "links keep their text": (
        '<p>Xem <a href="/tin-tuc/bai-5.html">bài trước</a>.</p>',
        "Xem bài trước.",
    ),
}


@pytest.mark.parametrize("html,text", CASES.values(), ids=CASES.keys())
def test_body_text(html, text):
    assert body_of(html).text == text


def test_pictures_with_captions_and_markup():
    body = body_of(
        '<figure class="image"><img src="/u/a.jpg"><figcaption>Ảnh A</figcaption></figure>'
        '<p>Xem <a href="/tin-tuc/bai-5.html">bài</a> <strong>này</strong>.</p>'
    )
    assert [(i.src, i.caption) for i in body.images] == [
        ("http://hdnd.caobang.gov.vn/u/a.jpg", "Ảnh A")
    ]
    assert (
        '<figure><img src="http://hdnd.caobang.gov.vn/u/a.jpg"><figcaption>Ảnh A</figcaption>'
        in body.html
    )
    assert '<a href="http://hdnd.caobang.gov.vn/tin-tuc/bai-5.html">bài</a>' in body.html
    assert "<b>này</b>" in body.html


def test_empty_body():
    assert body_of("<p>&nbsp;</p>").text == ""


def test_pictures_without_text_are_still_a_body():
    body = body_of('<p><img src="/u/a.jpg" alt="DSC_1.JPG"></p><p>&nbsp;</p>')
    assert body.text == ""
    assert body.html == '<figure><img src="http://hdnd.caobang.gov.vn/u/a.jpg"></figure>'
