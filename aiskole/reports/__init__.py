"""Evaluation reports: compute frozen results from a :class:`~aiskole.store.Store` first, render them second.

* builders, one module per report family, each returning a :class:`~aiskole.reports.model.Report`:
  :mod:`.workshop`, :mod:`.cohort`, :mod:`.pilot`, :mod:`.literacy`, and the DPIA note (:mod:`.dpia_note`);
* :mod:`.render` turns a report into HTML with the templates in ``aiskole/templates/reports`` (and each
  exercise's own report section in ``aiskole/templates/exercises/<name>``);
* :mod:`.runner` runs a report template notebook with papermill and exports it; :mod:`.pdf` prints HTML to
  A4 PDF with the system Chromium; :mod:`.batch` plans and makes many reports in parallel processes.

Nothing is imported here: a report kernel loads the one builder it needs, and papermill (~3 s to import)
only where notebooks are run.
"""
