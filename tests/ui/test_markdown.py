from ui import markdown_render


def test_code_blocks_lists_and_escaped_html(themed_qapp):
    html = markdown_render.to_html("Steps:\n\n- one\n- two\n\n```python\nprint('<b>')\n```\n\n<script>x</script>")
    assert "<li>one</li>" in html and "<li>two</li>" in html
    assert "print(&#x27;&lt;b&gt;&#x27;)" in html or "print('&lt;b&gt;')" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_open_fence_mid_stream_renders_as_code(themed_qapp):
    html = markdown_render.to_html("Here:\n```\nfor i in range(3):")
    assert "<pre" in html and "for i in range(3):" in html
