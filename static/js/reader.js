// Enhancement only: the 字号 links work without JavaScript (they set a cookie and reload).
(function () {
  var sizes = ["small", "medium", "large", "xlarge"];
  var root = document.documentElement;
  function current() {
    for (var i = 0; i < sizes.length; i++) if (root.classList.contains("fs-" + sizes[i])) return i;
    return 1;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.fs-button") : null;
    if (!link) return;
    event.preventDefault();
    var index = current() + (link.getAttribute("data-size") === "larger" ? 1 : -1);
    index = Math.max(0, Math.min(sizes.length - 1, index));
    sizes.forEach(function (size) { root.classList.remove("fs-" + size); });
    root.classList.add("fs-" + sizes[index]);
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "fontsize=" + sizes[index] + "; path=/; max-age=31536000; SameSite=Lax" + secure;
  });
})();
