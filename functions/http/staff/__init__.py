"""Pages for centre staff and regional administrators, opened from signed links in their
mail (no login). English only, never indexed, no JavaScript."""
