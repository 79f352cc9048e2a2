"""PDF sheets rendered with reportlab."""
