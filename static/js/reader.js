// Enhancement only: the 字号 links work without JavaScript (they set a cookie and redirect back).
// With JavaScript the size changes at once, and is kept in a cookie (for the server's next page)
// and in localStorage (so it survives a cleared or blocked cookie).
(function () {
  var sizes = ["small", "medium", "large", "xlarge"];
  var labels = { small: "小", medium: "标准", large: "大", xlarge: "特大" };
  var root = document.documentElement;

  function current() {
    for (var i = 0; i < sizes.length; i++) if (root.classList.contains("fs-" + sizes[i])) return i;
    return 1;
  }

  function remember(size) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "fontsize=" + size + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    try { localStorage.setItem("fontsize", size); } catch (e) { /* private mode: the cookie is enough */ }
  }

  function apply(size) {
    sizes.forEach(function (s) { root.classList.remove("fs-" + s); });
    root.classList.add("fs-" + size);
    var status = document.querySelector(".fs-current");
    if (status) status.textContent = labels[size];
  }

  var stored = null;
  try { stored = localStorage.getItem("fontsize"); } catch (e) { /* ignore */ }
  if (stored && sizes.indexOf(stored) >= 0 && document.cookie.indexOf("fontsize=") < 0) {
    apply(stored);
    remember(stored);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.fs-button") : null;
    if (!link) return;
    event.preventDefault();
    var wanted = link.getAttribute("data-size");
    var index = wanted === "medium" ? 1 : current() + (wanted === "larger" ? 1 : -1);
    var size = sizes[Math.max(0, Math.min(sizes.length - 1, index))];
    apply(size);
    remember(size);
  });
})();
