"""The administrators' pages (`admin`) and JSON API (`admin_api`, for the `ecd` tool)."""
