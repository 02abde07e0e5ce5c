"""HTTP routes: health, the OAuth2 token endpoint, and one module per OneRoster service."""
