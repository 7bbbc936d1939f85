"""Materials: the checklist of a case, versioned uploads and the checks run on them."""
