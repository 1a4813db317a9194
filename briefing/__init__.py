"""briefing: structured YAML briefings -> Markdown -> a searchable static site.

The pipeline, one module a stage: ``load`` (YAML with line marks) ->
``validate`` (typed model, cross-references) -> ``profile`` (what a build may
show) -> ``render`` (Markdown through Jinja2 templates) -> ``site`` (MkDocs).
"""

__version__ = "0.1.0"
