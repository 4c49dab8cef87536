"""Who read or changed what, when, from where."""
