// The findings table of medlint's HTML report: filter, sort, and link to file and line.
// Page text only ever reaches the document through textContent; hrefs come from file paths the
// report encoded, and any href with a scheme other than file: is dropped.
(function () {
  "use strict";
  var LIMIT = 500;
  var RANK = { error: 3, warning: 2, info: 1 };
  var data = JSON.parse(document.getElementById("data").textContent);
  var rows = data.findings.map(function (f, i) {
    var file = data.files[f[2]];
    var rule = data.rules[f[1]];
    return {
      i: i, severity: f[0], code: rule[0], rule: rule[1], path: file[0], href: file[1],
      source: file[2], line: f[3], col: f[4], message: f[5], fix: f[6], help: f[7],
      text: (file[0] + " " + rule[0] + " " + rule[1] + " " + f[5]).toLowerCase()
    };
  });
  var q = document.getElementById("f-q");
  var sev = document.getElementById("f-severity");
  var ruleSel = document.getElementById("f-rule");
  var sourceSel = document.getElementById("f-source");
  var body = document.getElementById("rows");
  var count = document.getElementById("match-count");
  var more = document.getElementById("more");
  var sortKey = "severity";
  var sortDesc = true;
  var shown = LIMIT;

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  data.rules.slice().sort(function (a, b) { return a[0] < b[0] ? -1 : 1; })
    .forEach(function (r) { option(ruleSel, r[0], r[0] + " " + r[1]); });
  var sources = {};
  data.files.forEach(function (f) { if (f[2]) sources[f[2]] = true; });
  Object.keys(sources).sort().forEach(function (s) { option(sourceSel, s, s); });

  function safeHref(href) {
    if (/^\/\//.test(href)) return null;
    if (/^[a-z][a-z0-9+.\-]*:/i.test(href) && !/^file:\/\//i.test(href)) return null;
    return href;
  }

  function compare(a, b) {
    var x, y;
    if (sortKey === "severity") { x = RANK[a.severity]; y = RANK[b.severity]; }
    else if (sortKey === "rule") { x = a.code; y = b.code; }
    else if (sortKey === "line") { x = a.line; y = b.line; }
    else if (sortKey === "message") { x = a.message; y = b.message; }
    else if (sortKey === "fix") { x = a.fix; y = b.fix; }
    else { x = a.path; y = b.path; }
    if (x < y) return sortDesc ? 1 : -1;
    if (x > y) return sortDesc ? -1 : 1;
    // Ties keep the report's order: by file, line and column.
    return a.i - b.i;
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function render() {
    var needle = q.value.trim().toLowerCase();
    var match = rows.filter(function (r) {
      return (!sev.value || r.severity === sev.value) &&
        (!ruleSel.value || r.code === ruleSel.value) &&
        (!sourceSel.value || r.source === sourceSel.value) &&
        (!needle || r.text.indexOf(needle) !== -1);
    });
    match.sort(compare);
    var frag = document.createDocumentFragment();
    match.slice(0, shown).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = "row-" + r.severity;
      var s = cell(tr, "", "sev");
      var pill = document.createElement("span");
      pill.className = "pill sev-" + r.severity;
      pill.textContent = r.severity;
      s.appendChild(pill);
      var ruleCell = cell(tr, "", "rule");
      var code = document.createElement("code");
      code.textContent = r.code;
      ruleCell.appendChild(code);
      ruleCell.appendChild(document.createTextNode(" " + r.rule));
      var fileCell = cell(tr, "", "file");
      var href = safeHref(r.href);
      var link = document.createElement(href === null ? "span" : "a");
      if (href !== null) {
        link.setAttribute("href", href + "#L" + r.line);
        link.setAttribute("rel", "noopener noreferrer");
      }
      link.textContent = r.path;
      fileCell.appendChild(link);
      cell(tr, r.line + ":" + r.col, "num");
      var msg = cell(tr, r.message, "msg");
      if (r.help) {
        var help = document.createElement("div");
        help.className = "help";
        help.textContent = r.help;
        msg.appendChild(help);
      }
      cell(tr, r.fix, "fix " + (r.fix ? "fix-" + r.fix : ""));
      frag.appendChild(tr);
    });
    if (!match.length) {
      var tr = document.createElement("tr");
      var td = cell(tr, rows.length ? "No finding matches these filters." : "No findings.", "none");
      td.colSpan = 6;
      frag.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(frag);
    count.textContent = match.length === rows.length
      ? rows.length + " findings"
      : match.length + " of " + rows.length + " findings";
    count.setAttribute("data-count", String(match.length));
    if (match.length > shown) {
      more.hidden = false;
      more.textContent = "";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Show " + Math.min(LIMIT, match.length - shown) + " more of " +
        (match.length - shown) + " not shown";
      button.addEventListener("click", function () { shown += LIMIT; render(); });
      more.appendChild(button);
    } else {
      more.hidden = true;
    }
    document.querySelectorAll("th[data-key]").forEach(function (th) {
      var key = th.getAttribute("data-key");
      th.setAttribute("aria-sort", key === sortKey ? (sortDesc ? "descending" : "ascending") : "none");
    });
  }

  function update() {
    shown = LIMIT;
    render();
    try {
      var params = new URLSearchParams();
      if (q.value) params.set("q", q.value);
      if (sev.value) params.set("severity", sev.value);
      if (ruleSel.value) params.set("rule", ruleSel.value);
      if (sourceSel.value) params.set("source", sourceSel.value);
      if (sortKey !== "severity" || !sortDesc) params.set("sort", (sortDesc ? "-" : "") + sortKey);
      var search = params.toString();
      history.replaceState(null, "", search ? "?" + search : location.pathname);
    } catch (e) { /* file: URLs may refuse history updates; filtering still works */ }
  }

  // Filters and sort can be preset from the query string (links to a view, and the tests).
  var params = new URLSearchParams(location.search);
  function preset(select, value) {
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  }
  q.value = params.get("q") || "";
  preset(sev, params.get("severity"));
  preset(ruleSel, params.get("rule"));
  preset(sourceSel, params.get("source"));
  var sort = params.get("sort");
  if (sort) {
    sortDesc = sort.charAt(0) === "-";
    sortKey = sortDesc ? sort.slice(1) : sort;
  }

  document.querySelectorAll("th[data-key]").forEach(function (th) {
    th.tabIndex = 0;
    function activate() {
      var key = th.getAttribute("data-key");
      if (key === sortKey) sortDesc = !sortDesc;
      else { sortKey = key; sortDesc = key === "severity"; }
      update();
    }
    th.addEventListener("click", activate);
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); }
    });
  });
  [q, sev, ruleSel, sourceSel].forEach(function (el) {
    el.addEventListener("input", update);
    el.addEventListener("change", update);
  });
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  render();
  document.body.setAttribute("data-ready", "1");
})();
