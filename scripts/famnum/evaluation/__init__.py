"""The evaluation: follow-ups and sessions recorded, indicators on three planes, disclosure control,
the open-data package. Reads dossiers in memory; writes only anonymised, controlled tables."""
