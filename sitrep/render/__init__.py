"""Figures and narrative into HTML: the sandboxed Jinja templates, the message catalogues,
numerals, the charts and the access map as drawings, and the self-contained HTML edition."""
