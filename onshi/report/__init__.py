"""Reports: the renderers (table, JSON, JUnit, SARIF, HTML, CSV) and the HTML report's labels."""
