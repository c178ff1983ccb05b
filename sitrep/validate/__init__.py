"""Raw cells into typed tables: a parser per column, rules across rows and tables, and the
problems found, every one at once."""
