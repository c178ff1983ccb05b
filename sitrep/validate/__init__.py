"""Raw cells into typed tables: the schema of each table, cell parsers, rules across rows and
tables, and the problems found, every one at once."""
