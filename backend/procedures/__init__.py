"""The procedure chapters: versioned documents, checklist templates and decision rules."""
