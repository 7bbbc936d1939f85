"""The desk's public pages: the home page, sign-in and the shared layout."""
