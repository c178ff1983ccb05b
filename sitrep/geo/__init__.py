"""Reference geography, files of sitrep's own only: countries, OCHA P-code lists, admin areas
(see `sitrep.geo.gazetteer`).

- `countries`: a country from its ISO3 code or its name in any language (CLDR, through Babel).
- `names`: how names and P-codes are compared (case, accents, punctuation, prefixes).
- `pcodelist`: OCHA's Global P-Code List shipped in `sitrep/data`, read one country at a time.
- `areas`: `Area` and `Gazetteer`, the lookups the validation and the figures use.
- `unknown`: why a text is no area (`Reason`), and which other country has it.

An office's own files (its COD file, its places table) are read by `sitrep.inputs` and
`sitrep.validate`, on top of these.
"""
