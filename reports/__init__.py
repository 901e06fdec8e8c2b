"""Reports leadership reads: static HTML in Bahasa Indonesia from the published metrics (docs/reports.md)."""
