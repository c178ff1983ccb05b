"""sitrep.toml, read and checked: the workspace's settings, its languages and figure rules."""
