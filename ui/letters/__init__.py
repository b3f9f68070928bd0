"""Letters in the desktop app: make one, preview, print, save, mark sent, and the daily batch."""
