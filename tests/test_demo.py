"""`famnum demo`'s fictitious families: spread over the schools as in the 2020 census, deterministic. The demo
itself runs once, from the installed wheel, in test_paquet_installe.py (end to end, and its closing lines)."""
from __future__ import annotations

from collections import Counter

from famnum.demo import Generateur, repartition
from famnum.referentiels import Referentiels
from famnum.territoire import modele
from famnum.workspace import Territoire


def test_la_repartition_suit_le_tableau_de_2020():
    referentiels = Referentiels.charger(Territoire(modele()))
    ecoles = Counter(repartition(referentiels, 319))
    for code, etablissement in referentiels.etablissements.items():
        assert ecoles.get(code, 0) == int(etablissement["prevision_2020"] or 0), code
    assert ecoles[""] == 1


def test_le_generateur_est_deterministe():
    referentiels = Referentiels.charger(Territoire(modele()))
    assert Generateur(referentiels).dossiers(30) == Generateur(referentiels).dossiers(30)
