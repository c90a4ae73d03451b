"""Soak test: readers at full speed, an editor saving through the admin, and re-imports, all at once.

    .venv/bin/python bench/soak.py --db sqlite --minutes 3      # or --db postgres (database zz_soak)

Starts gunicorn (3 workers, production settings) on a fresh database with seeds/ imported,
drives it with wrk (every kind of page, searches and the JSON API, 16 connections; a Python
thread pool doing the same when wrk is not installed), saves
article headlines through the admin as an editor (GET the form, POST it with the CSRF token
and the version field), and re-imports the seeds plus changed copies meanwhile. Then checks:
no 5xx, no "database is locked", every save present (the last one shown, all in the history),
and the search index consistent with the tables (check_search_index and check_integrity).
Only 127.0.0.1 is targeted; duration, edits and imports are bounded. Not part of CI.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out")) / "soak"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("SOAK_PORT", "8777"))
MAX_EDITS = 2000
# Every reader-facing URL kind, taken from the freshly imported database.
PATHS_SCRIPT = """
import json, urllib.parse
from articles.models import Article, Author, District, Issue, Section
paths = ["/", "/archive/", "/sections/", "/districts/", "/authors/", "/feeds/latest/", "/sitemap.xml", "/healthz"]
for issue in Issue.objects.order_by("date"):
    paths += [issue.get_absolute_url(), f"/archive/{issue.date:%Y}/", f"/archive/{issue.date:%Y/%m}/", f"/api/issues/{issue.date}.json"]
for a in Article.objects.select_related("page__issue").order_by("pk")[:30]:
    paths += [a.get_absolute_url(), a.page.get_absolute_url(), f"/api/articles/{a.pk}.json"]
for model in (District, Author, Section):
    paths += [x.get_absolute_url() for x in model.objects.order_by("pk")[:8]]
for q in ["株洲", "芦淞", "渌口 项目", "\\"高质量发展\\"", "醴陵 -陶瓷", "学林 OR 天元"]:
    paths += ["/search/?q=" + urllib.parse.quote(q), "/api/search?q=" + urllib.parse.quote(q) + "&page_size=5"]
print(json.dumps(sorted(set(paths))))
"""
WRK_LUA = """
paths = %s
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("SOAK requests=%%d non2xx=%%d socket_errors=%%d p50=%%.1f p99=%%.1f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


class FormReader(html.parser.HTMLParser):
    """Collect one form's fields the way a browser submits them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        kind = a.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "checkbox", "radio"):
            self.fields.append((name, a.get("value") or ""))
        elif tag == "input" and name and "checked" in a:
            self.fields.append((name, a.get("value") or "on"))
        elif tag == "textarea" and name:
            self._textarea, self._buffer = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._buffer.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._buffer += data


class Editor:
    """An editor in a browser: session cookie, CSRF token from each form, Referer on POST."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        page = self.get("/admin/login/")
        status, _ = self.post("/admin/login/", [("csrfmiddlewaretoken", token(page)), ("username", username), ("password", password), ("next", "/admin/")])
        assert status == 302, f"editor login failed ({status})"

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=60).read().decode()

    def post(self, path: str, fields) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": self.base + path})
        try:
            response = self.opener.open(request, timeout=60)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:  # 302 lands here too (NoRedirect)
            return exc.code, exc.read().decode()

    def save_headline(self, article_id: int, headline: str) -> str:
        """'saved' (302), 'conflict' (the optimistic lock refused) or 'failed:<status>'."""
        path = f"/admin/articles/article/{article_id}/change/"
        page = self.get(path)
        form = page[page.index('id="article_form"') :]
        reader = FormReader()
        reader.feed(form[: form.index("</form>")])
        fields = [(k, v) for k, v in reader.fields if k not in ("headline", "change_reason") and "__prefix__" not in k]
        fields += [("headline", headline), ("change_reason", "浸泡测试"), ("_continue", "1")]
        status, body = self.post(path, fields)
        if status == 302:
            return "saved"
        return "conflict" if "已被其他编辑修改" in body else f"failed:{status}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def fresh_database(db: str, out: Path, pg_name: str) -> str:
    if db == "sqlite":
        path = out / "soak.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in (f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)", f"CREATE DATABASE {pg_name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{pg_name}"


def wrk_load(base: str, paths: list[str], seconds: int, connections: int, out: Path) -> dict:
    lua = out / "paths.lua"
    lua.write_text(WRK_LUA % ("{" + ", ".join(json.dumps(p) for p in paths) + "}"))
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(lua), base + "/"],
                          capture_output=True, text=True, timeout=seconds + 120, check=True)
    m = re.search(r"SOAK requests=(\d+) non2xx=(\d+) socket_errors=(\d+) p50=([\d.]+) p99=([\d.]+)", done.stdout)
    return {"load": "wrk", "requests": int(m[1]), "non_2xx_3xx": int(m[2]), "socket_errors": int(m[3]), "p50_ms": float(m[4]), "p99_ms": float(m[5])}


def python_load(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """The same loop without wrk: one keep-alive connection per thread, statuses counted."""
    host, port = base.removeprefix("http://").split(":")
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"requests": 0, "non_2xx_3xx": 0, "socket_errors": 0}
    latencies: list[float] = []

    def worker(offset: int):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        i = offset
        while time.monotonic() < deadline:
            i += 1
            started = time.monotonic()
            try:
                connection.request("GET", paths[i % len(paths)])
                response = connection.getresponse()
                response.read()
                bad = response.status >= 400
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                with lock:
                    totals["socket_errors"] += 1
                continue
            with lock:
                totals["requests"] += 1
                totals["non_2xx_3xx"] += bad
                latencies.append((time.monotonic() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    def pick(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else 0.0

    return {"load": "python", **totals, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


def run(db: str, minutes: float, connections: int, port: int = PORT, out: Path = OUT, pg_name: str = "zz_soak") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / f"cache-{db}", ignore_errors=True)
    env = {**os.environ, "DATABASE_URL": fresh_database(db, out, pg_name), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
           "SEARCH_RATE_LIMIT": "off", "CACHE_DIR": str(out / f"cache-{db}"), "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
           "WEB_CONCURRENCY": "3", "GUNICORN_ACCESS_LOG": "-", "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}

    def manage(*args, **kw):
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, **kw)

    for step in (("collectstatic", "--noinput", "-v0"), ("migrate", "-v0"), ("import_seeds", "seeds")):
        done = manage(*step)
        assert done.returncode == 0, done.stderr

    def shell_json(code: str):
        return json.loads(manage("shell", "-c", code).stdout.strip().splitlines()[-1])  # logging may print lines before it

    password = "Soak-editor-" + secrets.token_hex(6)
    assert manage("create_editor", "soak-editor", "--password-stdin", input=password + "\n").returncode == 0
    ids = shell_json("import json; from articles.models import Article; print(json.dumps(list(Article.objects.order_by('pk').values_list('pk', flat=True)[:6])))")
    paths = shell_json(PATHS_SCRIPT)
    log_path = out / f"gunicorn-{db}.log"
    log = open(log_path, "w")  # noqa: SIM115 - the server writes to it until the finally below
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "zhuzhou_archive.wsgi:application", "--config", "zhuzhou_archive/gunicorn.conf.py",
                               "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        seconds = max(5, int(minutes * 60))
        saves: list[tuple[int, str, str]] = []
        imports: list[subprocess.CompletedProcess] = []
        stop = threading.Event()

        def edit_loop():
            editor = Editor(base, "soak-editor", password)
            for n in range(1, MAX_EDITS + 1):
                if stop.is_set():
                    return
                article = ids[n % len(ids)]
                headline = f"浸泡测试标题 {db} 第{n}次"
                saves.append((article, headline, editor.save_headline(article, headline)))

        def import_loop():
            copies = out / f"reimport-{db}"
            while not stop.is_set():
                shutil.rmtree(copies, ignore_errors=True)
                copies.mkdir()
                round_ = len(imports)
                for i, seed in enumerate(sorted((ROOT / "seeds").glob("*.txt"))):
                    text = seed.read_text(encoding="utf-8").replace("株洲", f"株洲(第{round_}轮)")
                    (copies / f"copy{round_}_{i}.txt").write_text(text, encoding="utf-8")
                imports.append(manage("import_seeds", "seeds", str(copies)))

        threads = [threading.Thread(target=edit_loop, daemon=True), threading.Thread(target=import_loop, daemon=True)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            load = wrk_load(base, paths, seconds, connections, out) if shutil.which("wrk") else python_load(base, paths, seconds, connections)
        finally:
            stop.set()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    logs = log_path.read_text()
    import_logs = "\n".join(p.stdout + p.stderr for p in imports)
    (out / f"imports-{db}.log").write_text(import_logs)

    saved = [(a, h) for a, h, outcome in saves if outcome == "saved"]
    last = {a: h for a, h in saved}
    state = shell_json(
        "import json; from articles.models import Article\n"
        "print(json.dumps({a.pk: [a.headline, list(a.history.values_list('headline', flat=True))] "
        f"for a in Article.objects.filter(pk__in={sorted(last)!r})}}))"
    )
    state = {int(k): v for k, v in state.items()}
    index = manage("check_search_index")
    integrity = manage("check_integrity")
    return {
        "db": db, "seconds": round(elapsed), "distinct_urls": len(paths), **load,
        "status_5xx_in_log": len(re.findall(r'"status": 5\d\d', logs)), "tracebacks_in_log": logs.count("Traceback"),
        "first_traceback": first_traceback(logs + import_logs),
        "database_locked": (logs + import_logs).count("database is locked"),
        "editor_saves_tried": len(saves), "editor_saves_saved": len(saved),
        "editor_conflicts": sum(1 for s in saves if s[2] == "conflict"), "editor_failures": sorted({s[2] for s in saves if s[2].startswith("failed")}),
        "saves_in_history": sum(1 for a, h in saved if h in state[a][1]),
        "final_headlines_match": all(state[a][0] == h for a, h in last.items()),
        "reimports": len(imports), "reimports_failed": sum(1 for p in imports if p.returncode != 0),
        "search_index_consistent": index.returncode == 0 and integrity.returncode == 0,
        "search_index_report": (index.stdout + integrity.stdout + integrity.stderr).strip(),
    }


def first_traceback(logs: str) -> str:
    """The first error in the logs, so a failed run (in CI, say) shows its cause."""
    start = logs.find("Traceback")
    return "" if start < 0 else logs[max(0, logs.rfind("\n", 0, max(0, start - 300))) : start + 4000].strip()


def passed(r: dict) -> bool:
    return (r["status_5xx_in_log"] == 0 and r["tracebacks_in_log"] == 0 and r["database_locked"] == 0 and r["non_2xx_3xx"] == 0
            and r["editor_saves_saved"] > 0 and not r["editor_failures"] and r["saves_in_history"] == r["editor_saves_saved"]
            and r["final_headlines_match"] and r["reimports"] > 0 and r["reimports_failed"] == 0 and r["search_index_consistent"])


def main() -> None:
    parser = argparse.ArgumentParser(description="soak test against 127.0.0.1 only")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup (stop gunicorn) when killed
    result = run(args.db, args.minutes, args.connections, port=args.port)
    result["passed"] = passed(result)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
