"""Report tables from plain rows, written as PDF, CSV, XLSX or JSON."""
