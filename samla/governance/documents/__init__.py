"""Word documents of the governance pages: mandate, minutes, decision memo, status report."""
