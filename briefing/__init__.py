"""Briefings: the content objects the pages show, rendered to files (no Streamlit).

- `images`: one chart to PNG (2×), SVG or PDF through a warm kaleido server on Debian's Chromium, stamped
  with unit, year, n, source and the demo-data notice; refuses to produce an image without text.
- `pack`: the slides of a briefing pack for a unit and year, taken from the page content objects.
- `pptx_file`, `pdf_file`: a pack as PowerPoint (16:9, editable text) or PDF (A4 landscape, fonts embedded).
- `batch`: one pack per province of a year's geography, resumable.
- `python -m briefing`: the command line.
"""
