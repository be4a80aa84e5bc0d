"""`famnum demo`: 319 fictitious families, deterministic, verified, census printed, no key committed."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from famnum.demo import Generateur, construire_demo, repartition
from famnum.dossiers import Coffre
from famnum.referentiels import Referentiels
from famnum.territoire import modele
from famnum.workspace import Territoire

from fabrique import lignes_du_tableau


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FAMNUM_IDENTITE", raising=False)
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", "")  # restored after the demo sets its own key
    lignes: list[str] = []
    territoire = construire_demo(tmp_path / "demo", 319, lignes.append)
    return territoire, "\n".join(lignes)


def test_la_demo_de_bout_en_bout(demo):
    territoire, sortie = demo
    assert sortie.count("DONNÉES FICTIVES") >= 2
    assert "319 dossiers fictifs chiffrés et commités" in sortie
    assert "Vérification : tout est en ordre (319 dossiers lus)" in sortie
    lignes = lignes_du_tableau(sortie)
    assert ["Établissement non renseigné", "1"] in lignes
    assert ["Total", "319", "318"] in lignes  # the families counted, beside the 2020 forecast
    suivis = subprocess.run(["git", "-C", str(territoire.racine), "ls-files"], capture_output=True, text=True).stdout
    assert "identite" not in suivis
    contenu = subprocess.run(["git", "-C", str(territoire.racine), "grep", "-I", "-l", "AGE-SECRET-KEY" + "-1"],
                             capture_output=True, text=True).stdout
    assert contenu == ""
    lecture = Coffre(territoire).lire_tous()
    telephones = [r["telephone"] for d in lecture.dossiers.values() for r in d["fiche"]["representants_legaux"]]
    assert all(t.startswith(("+3363998", "+3319900")) for t in telephones)  # ARCEP fiction ranges only
    from famnum.attribution.parc import etat_du_parc, verifier_stock
    from famnum.attribution.stock import charger_stock

    stock = charger_stock(territoire)
    assert verifier_stock(lecture.dossiers, stock, "materiels.csv") == []  # each device in exactly one place
    assert sum(a.etat == "pret" for a in etat_du_parc(stock, lecture.dossiers)) > 0
    # the year of deliveries never wrote the public stock file: it is the model's, as init copied it
    assert (territoire.referentiels / "materiels.csv").read_bytes() == (modele() / "data/referentiels/materiels.csv").read_bytes()
    # one decision letter of each kind, marked fictitious on its first line
    from pypdf import PdfReader

    lettres = sorted(territoire.prive.glob("lettre-decision-F-*.pdf"))
    assert len(lettres) == 2 and (territoire.prive / "lettres-decision-demo-2026-11-16.pdf").is_file()  # granted, refused
    textes = [" ".join(PdfReader(l).pages[0].extract_text().split()) for l in lettres]
    assert all(t.startswith("DONNÉES FICTIVES") for t in textes), [t[:80] for t in textes]
    assert any("accordée" in t for t in textes) and any("famille équipée entre-temps" in t for t in textes)


def test_la_repartition_suit_le_tableau_de_2020():
    referentiels = Referentiels.charger(Territoire(modele()))
    ecoles = Counter(repartition(referentiels, 319))
    for code, etablissement in referentiels.etablissements.items():
        assert ecoles.get(code, 0) == int(etablissement["prevision_2020"] or 0), code
    assert ecoles[""] == 1


def test_le_generateur_est_deterministe():
    referentiels = Referentiels.charger(Territoire(modele()))
    assert Generateur(referentiels).dossiers(30) == Generateur(referentiels).dossiers(30)
