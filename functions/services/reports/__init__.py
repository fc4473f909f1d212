"""Reports compiled from the forums and the cases (issue 11)."""
