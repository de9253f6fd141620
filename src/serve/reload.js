// brief serve: live reload and the error overlay. Served only by
// `brief serve`; a built site never contains it.
(function () {
  "use strict";
  var scrollKey = "brief:scroll:" + location.pathname;
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var restore = function () { window.scrollTo(0, Number(saved) || 0); };
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  // The output file this page was rendered from.
  function outputPath() {
    var p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (p === "" || p.slice(-1) === "/") return p + "index.html";
    return p;
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function swapStylesheets(changed) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      var name = decodeURIComponent(url.pathname).replace(/^\/+/, "");
      if (changed.indexOf(name) === -1) return;
      url.searchParams.set("brief-reload", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.onload = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var overlay = null;
  function clearOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function showOverlay(problems) {
    clearOverlay();
    overlay = document.createElement("div");
    overlay.id = "brief-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build errors");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:24px";
    var box = document.createElement("div");
    box.style.cssText = "max-width:960px;margin:0 auto";
    var title = document.createElement("h2");
    // Started on a broken site, serve has no last good version to show.
    var underneath = document.getElementById("brief-no-build") ? " — nothing built yet" : " — showing the last good version underneath";
    title.textContent = "brief: the site has " + problems.length + " error" + (problems.length === 1 ? "" : "s") + underneath;
    title.style.cssText = "font:600 16px/1.4 system-ui,sans-serif;color:#fca5a5;margin:0 0 16px";
    box.appendChild(title);
    problems.forEach(function (p) {
      var item = document.createElement("pre");
      item.className = "brief-error";
      item.style.cssText = "white-space:pre-wrap;background:#27272a;border-left:4px solid #ef4444;padding:12px 16px;margin:0 0 12px;color:#f4f4f5";
      item.textContent = p.text;
      box.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide until the next save";
    close.style.cssText = "font:14px system-ui,sans-serif;padding:6px 12px;cursor:pointer";
    close.onclick = clearOverlay;
    box.appendChild(close);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  var build = null;
  var source = new EventSource("/__brief/events");
  source.addEventListener("hello", function (e) {
    var msg = JSON.parse(e.data);
    // The server restarted or rebuilt while this tab was disconnected.
    if (build !== null && msg.build !== build && !msg.problems) { reload(); return; }
    build = msg.build;
    if (msg.problems) showOverlay(msg.problems); else clearOverlay();
  });
  source.addEventListener("problems", function (e) {
    var msg = JSON.parse(e.data);
    build = msg.build;
    showOverlay(msg.problems);
  });
  source.addEventListener("reload", function (e) {
    var msg = JSON.parse(e.data);
    build = msg.build;
    clearOverlay();
    var changed = msg.changed;
    if (changed.indexOf("*") !== -1 || changed.indexOf(outputPath()) !== -1) { reload(); return; }
    var css = changed.filter(function (p) { return /\.css$/.test(p); });
    if (css.length) swapStylesheets(css);
  });
})();
