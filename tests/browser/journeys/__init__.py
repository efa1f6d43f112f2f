"""Every journey of issue 12 end to end in Chromium, at 1280 and 390 px (see checks.py)."""
