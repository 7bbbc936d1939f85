"""The domain core of icpdesk, in plain Python with no Django import.

The working-day calendar, the identifiers, the rule engine with its rule
packs: everything that decides lives here and is used by the pages, the API,
the command line and the task workers alike.
"""
