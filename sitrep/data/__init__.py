"""Reference data shipped with sitrep, files only: OCHA's Global P-Code List (read by
`sitrep.geo.pcodelist`) and the words spreadsheets use for yes, no and missing in each language
(read by `sitrep.inputs.words`).
"""
