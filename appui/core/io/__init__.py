"""Reading and writing the files schools exchange, in plain Python (never Django).

- :mod:`~appui.core.io.siecle`: SIECLE student exports and ``Nomenclature.xml``;
- :mod:`~appui.core.io.sts`: STS-web exports (staff, divisions, groups, services);
- :mod:`~appui.core.io.mef`: levels recognised from MEF codes;
- :mod:`~appui.core.io.tabular`: CSV/XLSX/ODS reading, column mapping, and the exporter
  design that writes any list as CSV, XLSX or ODS;
- :mod:`~appui.core.io.lsu`: the LSU (livret scolaire unique) XML for personalised support;
- :mod:`~appui.core.io.errors`: the issues every reader reports (file, line, column, value,
  French message);
- :mod:`~appui.core.io.samples`: fictitious files for tests, the bench and the demo.

Parsers return records and issues; the Django side matches them with the database, shows
the preview and writes in one transaction. Submodules are imported explicitly so that using
one format does not load the libraries of the others.
"""
