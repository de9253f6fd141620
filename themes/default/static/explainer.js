// Marks the explainer points that changed since the reader's last visit.
// The date of the last visit stays in this browser (localStorage) and is
// never sent anywhere. Without JavaScript the page is complete as it is.
(function () {
  "use strict";
  var page = document.querySelector(".explainer[data-as-of]");
  if (!page) return;
  var asOf = page.getAttribute("data-as-of");
  var key = "brief:explainer:seen:" + location.pathname;
  var seen = null;
  try {
    seen = localStorage.getItem(key);
    if (asOf) localStorage.setItem(key, asOf);
  } catch (e) {
    return; // Storage blocked: nothing to compare with.
  }
  if (!seen || !asOf || seen >= asOf) return;
  var changed = 0;
  document.querySelectorAll(".deal-point[data-revised]").forEach(function (point) {
    if (point.getAttribute("data-revised") > seen) {
      point.classList.add("is-new-since-visit");
      var badge = document.createElement("span");
      badge.className = "badge badge--new";
      badge.textContent = "Changed since your last visit";
      point.insertBefore(badge, point.firstChild);
      changed += 1;
    }
  });
  var note = document.querySelector(".explainer__since");
  if (note && changed > 0) {
    // `seen` is YYYY-MM-DD; show it as the page shows dates (9 June 2025).
    var months = ["January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"];
    var ymd = seen.split("-");
    var when = ymd.length === 3 && months[+ymd[1] - 1] ? +ymd[2] + " " + months[+ymd[1] - 1] + " " + ymd[0] : seen;
    note.textContent = changed + (changed === 1 ? " point has" : " points have") +
      " changed since your last visit, when the explainer was as of " + when + ". " +
      (changed === 1 ? "It is" : "They are") + " marked below.";
    note.hidden = false;
  }
})();
