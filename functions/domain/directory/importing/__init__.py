"""The directory's CSV format: reading a file into checked rows, and writing one.

One file holds the whole directory of a scope (the network, or one region), a row per
region, centre, principal, staff member or administrator, told apart by the `kind` column:
one file is what an administrator keeps in one spreadsheet, and a person's row sits next to
their centre's. Every row is checked before anything is written (rows.py); the diff against
what is stored is functions/domain/directory/changes.py. README "The directory file" is the
administrator's description of the format.
"""
