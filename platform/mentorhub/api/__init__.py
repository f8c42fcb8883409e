"""The JSON API at /api/v1 and personal access tokens (layer 6: it calls every feature's
rules, write modules and queries; no rule is restated here)."""
