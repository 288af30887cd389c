"""The web application: the preparer's and the council secretaries' pages over the same library.

Views call the library (workbook loading and validation, the pipeline's build, diff, the
registry's `new`); nothing here is a second implementation of them. Importing this package does
not import Django, so the command line stays fast.
"""
