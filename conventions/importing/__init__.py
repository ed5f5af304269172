"""Bringing existing conventions in: reading a CTG document (DOCX or text PDF),
reviewing what was read, and creating the convention from it.

- `extract`: the document's text as ordered blocks (paragraphs, table rows).
- `reader`: the reading rules, from blocks to a `ReadConvention`.
- `matching`: parties matched to organisations of the reference data.
- `result`: the shape of what was read (`ReadConvention`), JSON-safe, edited on
  the review page and printed by `import_convention --json`.
- `service`: creating the convention from a reviewed `ReadConvention`.
"""
