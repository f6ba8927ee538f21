"""Forms of the portfolio pages, one module per area (the same areas as ``views``)."""
