"""The page's claims in canus's own words, the checker that gives each a verdict, and the
comparison of the page's two editions."""
