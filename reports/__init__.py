"""The consolidated report rendered as an HTML page, a Word document and an Excel workbook."""
