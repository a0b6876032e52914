// A livereload.js plugin for the preview: on a rebuild, fetch the page again and swap its body in
// place, keeping the scroll position, instead of a full reload (which costs a few hundred
// milliseconds). Stylesheet changes are left to livereload's own live CSS reloading, and a page
// whose <head> changed is reloaded in full. A page the preview serves as it already showed it (the
// edited page comes first, then the whole site) is left alone.
window.LiveReloadPluginSwap = (function () {
  var initialHead = document.head.innerHTML;
  var shown = null, asked = 0, applied = 0;  // answers may come back out of order
  function Swap(window, host) { this.window = window; this.host = host; }
  Swap.identifier = "swap";
  Swap.version = "1.0";
  Swap.prototype.reload = function (path) {
    if (/\.css$/i.test(path)) { return false; }
    var location = this.window.location, n = ++asked;
    fetch(location.href, { cache: "no-store" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (n < applied) { return; }
      applied = n;
      if (html === shown) { return; }
      shown = html;
      var fresh = new DOMParser().parseFromString(html, "text/html");
      if (fresh.head.innerHTML !== initialHead) { location.reload(); return; }
      var x = window.scrollX, y = window.scrollY;
      document.title = fresh.title;
      document.body.className = fresh.body.className;
      document.body.replaceChildren.apply(document.body, Array.prototype.slice.call(fresh.body.childNodes));
      window.scrollTo(x, y);
    }).catch(function () { location.reload(); });
    return true;
  };
  return Swap;
})();
