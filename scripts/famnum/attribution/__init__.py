"""Attribution: the public grid (data/attribution.yaml), scores explained criterion by criterion,
the proposal (age rule, modes, stock then purchases within the budget), the commission's
pseudonymised dossier, its decisions, and the explanation owed to each family (CRPA L311-3-1).

Layers: `grille` and `stock` read the public files; `bareme` scores; `proposition` allocates;
`commission`, `decisions` and `explication` build on a proposition. Nothing here prints."""
