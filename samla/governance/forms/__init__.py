"""Forms of the governance pages, one module per area (the same areas as ``views``)."""
