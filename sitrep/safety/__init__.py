"""Guards for untrusted text (see SECURITY.md): formulas in exported cells, links, secrets in
logs and messages, and message placeholders."""
