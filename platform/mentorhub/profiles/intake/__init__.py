"""Reading form-tool exports (Google Forms, Typeform, Microsoft Forms) into import rows.

Pure readers, no database: ``columns`` (header mapping), ``zones`` (time zones as people write
them), ``skills`` (skill names, aliases, hedges, typos), ``times`` (availability phrases) and
``cells`` (one record through all of them, with the reading of every cell).
"""
