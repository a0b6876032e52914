"""The editing tools: what makes and checks content rather than the site.

`scaffold` starts a history (`init`) and writes a new report; `importpdf` (with `importfindings`
and `importtables`) turns published PDFs into draft editions; `compare` measures an edition
against its source with an extractor of its own. The build never imports them: they sit above
the pipeline and below the command line.
"""
