"""Presentation layer: report objects, publishable tables and figures, formats, disclosure control, palette."""
