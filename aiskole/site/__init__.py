"""The static self-study site: a JupyterLite build with the lessons' text and the exercises that run in Pyodide.

``aiskole site build OUT`` calls :func:`aiskole.site.builder.build_site`. The modules:

* :mod:`aiskole.site.exercises` – which exercises go on the static site, and which do not (and why);
* :mod:`aiskole.site.wheels` – the pinned Python packages for Pyodide, fetched from PyPI and npm into a cache;
* :mod:`aiskole.site.lessons` – the lessons' reading text rendered to static HTML;
* :mod:`aiskole.site.builder` – the build itself (JupyterLite, the front page, one page per exercise);
* :mod:`aiskole.site.serve` – a loopback static server for trying a built site (and for the tests);
* :mod:`aiskole.site.browser` – the only module that runs *in the browser*: it starts an exercise in Pyodide.

This ``__init__`` imports nothing, so the kit's wheel can carry :mod:`aiskole.site.browser` into Pyodide without
pulling in the build-time dependencies (Jinja2, jupyterlite-core).
"""
