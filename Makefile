# famnum — les deux commandes du README : `make demo` et `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe
# Le vérificateur HTML Nu (W3C) des tests du site, paquet npm qui contient vnu.jar.
VNU    := 26.9.27

.PHONY: demo test bench site serve installer systeme clean

$(STAMP): pyproject.toml scripts/systeme/installer.sh
	bash scripts/systeme/installer.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	npm install -q --no-audit --no-fund --ignore-scripts --prefix $(VENV)/vnu vnu-jar@$(VNU)
	touch $(STAMP)

installer: $(STAMP)

## Un territoire fictif construit de bout en bout (données fictives), site compris.
demo: $(STAMP)
	$(BIN)/famnum demo

## Toute la suite de tests, navigateur compris, après ruff (les règles choisies dans pyproject.toml).
test: $(STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=10

## Mesures de vitesse (imprime des chiffres, n'échoue pas sur un seuil).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

## Le site public seul (content/ → build/site-src/<langue>/ → site/), toutes les langues et les PDF
## (FAMNUM_SANS_PDF=1 : sans PDF ; MOTEUR=zensical : construit par Zensical).
site: $(STAMP)
	$(BIN)/famnum site $(if $(MOTEUR),--moteur $(MOTEUR))

## Construit le site sans PDF (comme make site), puis le sert sur http://127.0.0.1:8000/ seulement ;
## après une modification, relancez make serve (ou make site dans un autre terminal, puis rechargez la page).
serve: $(STAMP)
	$(BIN)/famnum site --sans-pdf $(if $(MOTEUR),--moteur $(MOTEUR))
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

clean:
	rm -rf build site
