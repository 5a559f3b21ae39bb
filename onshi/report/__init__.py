"""Reports: message catalogues (ja, en) and renderers (table, JSON)."""
