"""canus keeps the Canada–United States relationship measurable."""

__version__ = "0.1.0"
