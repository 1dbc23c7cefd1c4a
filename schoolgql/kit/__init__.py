"""Domain-free building blocks: errors, pagination."""
