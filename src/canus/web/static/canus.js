/* canus: optional enhancements. Every page works without this file.
   Charts: replace the server-rendered SVG with an interactive Vega view (tooltips), using the
   Vega-Embed bundle the site serves itself. The data table and downloads stay as they are. */
(function () {
  "use strict";
  var figures = document.querySelectorAll("figure.chart[data-spec]");
  if (!figures.length || !window.fetch || !window.Promise) return;
  var lang = (document.documentElement.lang || "en").slice(0, 2);
  var LOCALES = {
    en: {decimal: ".", thousands: ",", grouping: [3], currency: ["$", ""]},
    fr: {decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0$"]}
  };
  function enhance(fig) {
    var target = fig.querySelector(".svg");
    if (!target) return Promise.resolve();
    return fetch(fig.getAttribute("data-spec"), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (spec) {
        spec.config = spec.config || {};
        // Drawn for the width it gets: a phone gets a narrower chart, not a scaled-down one.
        var room = fig.clientWidth || 640;
        if (typeof spec.width === "number" && room < spec.width + 120) {
          spec.width = Math.max(180, room - 120);
          var x = spec.encoding && spec.encoding.x;
          if (x && x.axis) { x.axis.labelOverlap = "greedy"; }
          var c = spec.encoding && spec.encoding.color;
          if (c && c.legend) { c.legend.orient = "top"; c.legend.direction = "vertical"; }
        }
        spec.config.mark = Object.assign({tooltip: true}, spec.config.mark || {});
        var view = document.createElement("div");
        view.className = "svg interactive";
        view.setAttribute("role", "img");
        view.setAttribute("aria-label", target.querySelector("svg").getAttribute("aria-label") || "");
        return window.vegaEmbed(view, spec, {actions: false, renderer: "svg",
                                             formatLocale: LOCALES[lang] || LOCALES.en})
          .then(function () { target.replaceWith(view); fig.setAttribute("data-interactive", "1"); });
      })
      .catch(function () { /* keep the server-rendered SVG */ });
  }
  var s = document.createElement("script");
  s.src = "/assets/vega-embed.js";
  s.onload = function () { figures.forEach(enhance); };
  document.head.appendChild(s);
})();
