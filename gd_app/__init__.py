"""gd_app: what the pages share: controls, figures, tables (no maths here)."""
