// Samskap's own scripts (no inline scripts: strict CSP).
