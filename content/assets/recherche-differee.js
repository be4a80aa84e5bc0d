/* famnum: the search index is requested when the reader first opens search, not on every first
   visit (issue 17). Loaded before the theme's script (mkdocs.yml, extra.polyfills): the theme asks
   for search/search_index.json as soon as a page opens; that request waits here until the search
   box is opened (click, keyboard shortcut) or focused. From file:// the theme already waits and
   reads search/search_index.js instead. */
(function () {
  "use strict";
  var ouverte = false;
  var attente = [];

  function ouvrir() {
    if (ouverte) return;
    ouverte = true;
    attente.splice(0).forEach(function (envoyer) { envoyer(); });
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) ouvrir();
  }, true);
  document.addEventListener("focusin", function (event) {
    var cible = event.target;
    if (cible && cible.closest && cible.closest(".md-search")) ouvrir();
  }, true);

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    /* mkdocs-material asks for search/search_index.json, Zensical for search.json */
    this.famnumIndex = /\/search(\/search_index)?\.json([?#]|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var requete = this;
    var args = arguments;
    if (!requete.famnumIndex || ouverte) return send.apply(requete, args);
    attente.push(function () {
      try {
        send.apply(requete, args);
      } catch (erreur) {
        /* abandoned by the theme meanwhile (a new page): nothing to send */
      }
    });
  };
})();
