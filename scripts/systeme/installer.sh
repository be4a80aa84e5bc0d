#!/usr/bin/env bash
# Installe ce que famnum demande au système (Debian) : age (interopérabilité), Chromium sans fenêtre (tests
# du navigateur), les bibliothèques de WeasyPrint (PDF), des polices (arabe compris), poppler (PDF → PNG),
# strace (les tests d'interruption tuent famnum au k-ième renommage), Java et npm pour le vérificateur
# HTML Nu des tests, et python3-venv (Debian met à part le « python3 -m venv » de make installer).
# Ne fait rien si tout est déjà là ; a besoin d'être root (ou de sudo) sinon.
set -euo pipefail
paquets=(age chromium-headless-shell fonts-noto-core fonts-noto-color-emoji fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
         libharfbuzz-subset0 poppler-utils git tmux strace python3-venv)
# Java (le vérificateur HTML Nu des tests) et npm (qui l'installe) : ceux de la machine s'ils y sont.
command -v java >/dev/null || paquets+=(default-jre-headless)
command -v npm >/dev/null || paquets+=(npm)
manquants=()
for p in "${paquets[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || manquants+=("$p")
done
[ ${#manquants[@]} -eq 0 ] && exit 0
echo "Installation des paquets système : ${manquants[*]}"
sudo_=""
[ "$(id -u)" -ne 0 ] && sudo_="sudo"
$sudo_ apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends "${manquants[@]}"
