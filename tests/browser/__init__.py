"""Real-browser tests of the reading pages (chromium + Playwright + axe-core)."""
