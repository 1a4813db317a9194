"""Payloads for the hostile-input probe: each must end up as visible text or removed."""

SCRIPT = "<script>alert('script')</script>"
IMG = "<img src=x onerror=alert('img')>"
SVG = "<svg onload=alert('svg')></svg>"
IFRAME = "<iframe src=\"javascript:alert('iframe')\"></iframe>"
STYLE = "<style>body{display:none}</style>"
LINKS = (
    "[js](javascript:alert('js1')) [JS](JaVaScRiPt:alert('js2')) [ws]( javascript:alert('js3')) "
    "[tab](java\tscript:alert('js4')) [ent](&#106;avascript:alert('js5')) "
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+) "
    "[vb](vbscript:msgbox('vb')) [proto](//evil.example/x) "
    "![img](javascript:alert('img2')) ![remote](https://tracker.example/pixel.png) "
    "<javascript:alert('auto')> [ok](https://example.org/ok) [rel](../about.md)"
)
ATTR_LIST = "Paragraph {: onclick=\"alert('attr')\" } text\n{: #evil .x onmouseover=\"alert('attr2')\" }"
SNIPPET = '--8<-- "/etc/passwd"\n\n;--8<-- "mkdocs.yml"'
MARKUP = "*star* _under_ | pipe | [bracket] `<b>code</b>` # hash"
ENTITY = "&lt;script&gt;alert('entity')&lt;/script&gt; &#60;b&#62;"

# Raw HTML in code spans reached the page's HTML parser (md_in_html) and closed its elements.
CODE_BREAKOUT = 'X `</div>` `<b id="pwn">INJECTED</b>` `</div></div>` {: #event-e1 }'
ADMONITION = '!!! tlp tlp-red "TLP:RED"\n    faked marking'
BIDI = "Attack \u202e reversed \u2066 isolate \u200b\u200d zero-width"

MARKDOWN_FIELD = "\n\n".join(
    [SCRIPT, IMG, SVG, IFRAME, STYLE, LINKS, ATTR_LIST, SNIPPET, MARKUP, ENTITY, CODE_BREAKOUT, ADMONITION, BIDI]
)
TEXT_FIELD = " ".join(["</title><script>alert('title')</script>", SCRIPT, IMG, SVG, "*bold* | cell | [x](javascript:alert('t')) {: onclick=alert(1)} # h", "--8<-- \"/etc/passwd\"", BIDI])

#: Strings that must never appear in any built HTML file as live markup.
FORBIDDEN_HTML = [
    "<script>alert", "onerror=", "onload=", "<iframe", "<svg onload", "<style>body",
    'href="javascript:', 'href="vbscript:', 'href="data:', 'href="//evil', 'src="javascript:',
    'src="https://tracker', "onclick=", "onmouseover=", "root:x:0:0",
]
