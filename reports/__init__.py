"""The community report: its content (community-safe), its HTML and PDF, and the bundle of files."""
