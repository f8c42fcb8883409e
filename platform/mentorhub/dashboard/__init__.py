"""The dashboard's own panels (layer 6): what combines the facts several features expose."""
