"""The dashboard: the frame (ui/frame.py: logo, filters, the data's date) around the page the link names."""

from __future__ import annotations

from ui.frame import frame

frame().run()
