"""An agency's book in bulk: importing clients from Excel and CSV, exporting every list, assessing
the whole book."""
