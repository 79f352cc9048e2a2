"""Excel workbooks written with openpyxl."""
