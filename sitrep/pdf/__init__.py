"""HTML into PDF with WeasyPrint: the layout, the URL fetcher that reads only the templates'
own assets, and the data files attached to the PDF."""
