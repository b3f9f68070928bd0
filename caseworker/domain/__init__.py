"""Pure rules of complaint handling: no Qt, no SQL, no ReportLab."""
