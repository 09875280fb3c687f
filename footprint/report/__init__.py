"""Reports of stored scans: terminal tables, JSON and CSV, a self-contained HTML page, scan diffs."""
