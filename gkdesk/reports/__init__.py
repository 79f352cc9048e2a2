"""Output files: data in, file out (PDF sheets, Excel workbooks); no database, no Qt."""
