"""ipywidgets views, one module per exercise, thin over the pure logic in ``aiskole``."""
