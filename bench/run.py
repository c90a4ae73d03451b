"""Reproducible benchmark: import, index, search latency, HTTP under load, resources.

    python bench/run.py --articles 100000 --db sqlite      # or --db postgres
    python bench/run.py --articles 2000 --db sqlite --http-duration 0 --repeats 2 --no-report  # quick self-check

Writes a section to docs/benchmarks.md and the raw figures to docs/benchmarks.json.
Only 127.0.0.1 is ever targeted; every load run is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out"))  # scratch space: corpus, database, cache
PYTHON = str(ROOT / ".venv" / "bin" / "python")
QUERY_CLASSES = {
    "rare word": {"q": "淦田"},
    "common word (株洲)": {"q": "株洲"},
    "two words": {"q": "渌口 项目"},
    "phrase": {"q": '"民生实事"'},
    "sub-word (芦淞)": {"q": "芦淞"},
    "district + year": {"q": "项目", "district": "lukou", "year": "1990"},
    "sorted by date": {"q": "株洲", "sort": "newest"},
    "deep page (50)": {"q": "株洲", "page": "50"},
}
LATENCY_SCRIPT = r"""
import json, sys, time, django
django.setup()
from django.core.cache import cache
from articles.search import search_articles
from articles.search.tokens import get_jieba
get_jieba()  # gunicorn loads it before serving (gunicorn.conf.py): not part of any query's time
classes = json.loads(sys.argv[1]); repeats = int(sys.argv[2]); out = {}

def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]

for name, params in classes.items():
    filters = {k: params[k] for k in ("district", "year") if k in params}
    if "year" in filters: filters["year"] = int(filters["year"])
    def run():
        start = time.perf_counter()
        result = search_articles(params["q"], filters=filters, order=params.get("sort", "relevance"), page=int(params.get("page", 1)))
        return (time.perf_counter() - start) * 1000, result
    uncached = []
    for _ in range(repeats):
        cache.clear()  # nothing cached: what a reader's first query costs
        ms, result = run()
        uncached.append(ms)
    cached = [run()[0] for _ in range(repeats)]  # the same query again, or its next page
    out[name] = {"count": result.count, "estimated": result.estimated, "headline_first": result.headline_first,
                 "p50": pct(uncached, .5), "p95": pct(uncached, .95), "p99": pct(uncached, .99),
                 "cached_p50": pct(cached, .5), "cached_p95": pct(cached, .95)}
print(json.dumps(out))
"""
# wrk prints p50/p75/p90/p99; the targets speak of p95.
P95_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
"""
# Distinct searches for wrk (word x year x order), so the page and result caches don't answer them:
# ~110 words (the fixed classes' and every district and town name) x the corpus's years x 3 orders,
# each wrk thread starting half the list apart, and the cache emptied before every run.
SEARCH_LUA = r"""
local words = {WORDS}
local orders = {"relevance", "newest", "oldest"}
local combos = #words * YEARS * #orders
local function encode(s) return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
local threads = 0
function setup(thread) thread:set("offset", threads * math.floor(combos / 2)); threads = threads + 1 end
local counter = 0
function init(args) counter = offset end
function request()
  counter = counter + 1
  local i = counter % combos
  local word = words[i % #words + 1]
  local year = 1990 + math.floor(i / #words) % YEARS
  local order = orders[math.floor(i / (#words * YEARS)) % #orders + 1]
  return wrk.format("GET", "/search/?q=" .. encode(word) .. "&year=" .. year .. "&sort=" .. order)
end
"""
SEARCH_WORDS = ("淦田", "株洲", "渌口 项目", '"民生实事"', "芦淞", "项目", "养老", "农村")


def search_words() -> list[str]:
    gazetteer = json.loads((ROOT / "articles" / "data" / "gazetteer.json").read_text(encoding="utf-8"))
    names = [d["short_name"] for d in gazetteer["districts"]] + [(p["aliases"] or [p["name"]])[0] for p in gazetteer["places"]]
    return list(dict.fromkeys([*SEARCH_WORDS, *names]))


def search_lua(years: int) -> str:
    words = "{" + ", ".join(json.dumps(word, ensure_ascii=False) for word in search_words()) + "}"
    return SEARCH_LUA.replace("{WORDS}", words).replace("YEARS", str(years))


def env_for(db: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    env.update({
        "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0", "SEARCH_RATE_LIMIT": "off", "CACHE_DIR": str(OUT / f"cache-{db}"),
        "LOG_LEVEL": "WARNING", "GUNICORN_ACCESS_LOG": "",
    })
    return env


def fresh_database(db: str) -> str:
    if db == "sqlite":
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS zz_bench"], check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE zz_bench"], check=True)
    return "postgres://postgres@127.0.0.1:5432/zz_bench"


def manage(env: dict, *args: str, timed: bool = False) -> dict:
    command = [PYTHON, "manage.py", *args]
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return {"seconds": seconds, "peak_rss_mb": int(peak.group(1)) / 1024 if peak else None, "stdout": result.stdout}


def http_load(env: dict, urls: dict[str, str], seconds: int, connections: list[int], scripts: dict[str, str] | None = None) -> tuple[dict, dict]:
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        return {"error": "wrk is not installed"}, {}
    port = "8765"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "zhuzhou_archive.wsgi:application", "--config", "zhuzhou_archive/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}"],  # workers etc. as configured for production (WEB_CONCURRENCY, default 3)
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}/healthz"], check=True, capture_output=True)
                break
            except subprocess.CalledProcessError:
                time.sleep(0.3)
        results = {}
        for name, path in urls.items():
            subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}{path}"], check=False)  # warm
            for count in (2, *connections) if name in (scripts or {}) else connections:  # also unqueued, for the service time
                script = OUT / f"wrk-{name.split()[0].strip(',')}.lua"
                script.write_text((scripts or {}).get(name, "") + P95_LUA)
                if name in (scripts or {}):  # nothing left over from the last run's searches
                    manage(env, "shell", "--no-imports", "-c", "from django.core.cache import cache; cache.clear()")
                # A 10 s timeout: a slow answer is reported as latency, not as a client-side "error".
                command = ["wrk", "-t2", f"-c{count}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script)]
                out = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
                results[f"{name} @{count}"] = parse_wrk(out)
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
        memory = {pid: _memory_mb(pid) for pid in workers}
        return results, {"worker_rss_mb": sorted(m["Rss"] for m in memory.values()), "worker_pss_mb": sorted(m["Pss"] for m in memory.values()),
                         "worker_private_mb": sorted(m["Private_Dirty"] + m["Private_Clean"] for m in memory.values())}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _memory_mb(pid: int) -> dict[str, float]:
    """RSS counts the pages a worker shares with the master (jieba, Django) in full; PSS divides them."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {key: int(value) / 1024 for key, value in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}


def parse_wrk(text: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    latency = dict(re.findall(r"\s+(50|90|99)%\s+([\d.]+(?:us|ms|s))", text))
    requests = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p95 = re.search(r"P95_US (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests_per_s": float(requests.group(1)) if requests else 0.0,
        "p50_ms": ms(latency["50"]) if "50" in latency else None,
        "p90_ms": ms(latency["90"]) if "90" in latency else None,
        "p95_ms": round(int(p95.group(1)) / 1000, 2) if p95 else None,
        "p99_ms": ms(latency["99"]) if "99" in latency else None,
        "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket.groups())) if socket else 0),
    }


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return f"{cpu}, {os.cpu_count()} cores, {mem} GiB RAM, {platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.2f}"


def run(articles: int, db: str, http_seconds: int, repeats: int, skip_generate: bool, reuse_db: bool = False,
        rebuild: bool = True, connections: tuple[int, ...] = (16, 64)) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = OUT / f"corpus-{articles}"
    if not (skip_generate and corpus.exists()):
        shutil.rmtree(corpus, ignore_errors=True)
        generated = generate(articles, corpus, seed=1)
    else:
        generated = {"articles": articles}
    size_mb = sum(p.stat().st_size for p in corpus.rglob("*.txt")) / 1e6
    if reuse_db:  # measure search and HTTP again on the database the last run imported
        url = f"sqlite:///{OUT / 'bench.sqlite3'}" if db == "sqlite" else "postgres://postgres@127.0.0.1:5432/zz_bench"
        env = env_for(db, url)
        imported = rebuilt = {"seconds": float("nan"), "peak_rss_mb": float("nan")}
    else:
        env = env_for(db, fresh_database(db))
        manage(env, "migrate", "-v0")
        imported = manage(env, "import_seeds", str(corpus), timed=True)
        rebuilt = manage(env, "rebuild_search_index") if rebuild else {"seconds": float("nan")}
    latency = json.loads(subprocess.run([PYTHON, "-c", LATENCY_SCRIPT, json.dumps(QUERY_CLASSES), str(repeats)], cwd=ROOT,
                                        env={**env, "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}, capture_output=True, text=True, check=True).stdout)
    first_day = dt.date(1990, 1, 1)
    urls = {
        "home": "/", "calendar month": "/archive/1990/01/", "issue": f"/{first_day:%Y/%m/%d}/",
        "page": f"/{first_day:%Y/%m/%d}/2/", "article": f"/{first_day:%Y/%m/%d}/2/1/", "district list": "/districts/",
        "district page": "/districts/lukou/", "search": "/search/?q=%E8%8A%A6%E6%B7%9E",
    }
    years = max(1, round(articles / 40 / 365))  # the generator prints 40 articles a day from 1990
    urls["search, distinct uncached queries"] = "/search/"
    scripts = {"search, distinct uncached queries": search_lua(years)}
    if http_seconds:
        manage(env, "collectstatic", "--noinput", "-v0")  # production settings serve hashed static names
    http, resources = http_load(env, urls, http_seconds, connections, scripts) if http_seconds else ({}, {})
    if db == "sqlite":
        db_mb = sum(Path(str(OUT / "bench.sqlite3") + s).stat().st_size for s in ("", "-wal") if Path(str(OUT / "bench.sqlite3") + s).exists()) / 1e6
    else:
        db_mb = int(subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "select pg_database_size('zz_bench')"], capture_output=True, text=True).stdout.strip()) / 1e6
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "db": db,
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "overrides": overrides(),
        "articles": generated["articles"], "corpus_mb": round(size_mb, 1),
        "import": {"seconds": round(imported["seconds"], 1), "articles_per_s": round(articles / imported["seconds"], 1),
                   "mb_per_s": round(size_mb / imported["seconds"], 2), "peak_rss_mb": imported["peak_rss_mb"]},
        "index_rebuild_seconds": round(rebuilt["seconds"], 1),
        "search_ms": latency, "http": http, "http_connections": list(connections), "resources": {**resources, "database_mb": round(db_mb, 1)},
    }


def overrides() -> dict[str, str]:
    """Settings the environment changed for this run (the app's database and server knobs)."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(("DB_", "GUNICORN_", "WEB_CONCURRENCY", "PAGE_CACHE"))}


def write_report(result: dict) -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    history_path = docs / "benchmarks.json"
    history = json.loads(history_path.read_text()) if history_path.exists() else []
    history.append(result)
    history_path.write_text(json.dumps(history, ensure_ascii=False, indent=1))
    lines = [f"\n## {result['articles']:,} articles on {result['db']} — {result['date']} (commit {result['commit']})\n",
             f"Machine: {result['machine']}. Corpus: {result['corpus_mb']} MB of generated text.\n",
             *([f"Environment overrides: {', '.join(f'`{k}={v}`' for k, v in result['overrides'].items())}.\n"] if result.get("overrides") else []),
             "| measure | value | target |", "| --- | --- | --- |"]
    if result["import"]["seconds"] == result["import"]["seconds"]:  # NaN means --reuse-db
        lines += [
            f"| import | {result['import']['articles_per_s']} articles/s, {result['import']['mb_per_s']} MB/s, {result['import']['seconds']} s | ≥ 500 articles/s |",
            f"| import peak RSS | {result['import']['peak_rss_mb']:.0f} MB | ≤ 1 GB |",
            f"| search index rebuild | {result['index_rebuild_seconds']} s | — |" if result["index_rebuild_seconds"] == result["index_rebuild_seconds"]
            else "| search index rebuild | not timed (`--no-rebuild`) | — |",
        ]
    else:
        lines.append("| import | not re-run (`--reuse-db`): the database of the previous section | |")
    lines.append(f"| database size | {result['resources']['database_mb']} MB | — |")
    if result["resources"].get("worker_rss_mb"):
        lines.append(f"| gunicorn worker RSS | {', '.join(f'{v:.0f}' for v in result['resources']['worker_rss_mb'])} MB | ≤ 200 MB each |")
        if result["resources"].get("worker_pss_mb"):
            lines.append(f"| gunicorn worker PSS (shared pages divided) / private | {', '.join(f'{v:.0f}' for v in result['resources']['worker_pss_mb'])} MB / "
                         f"{', '.join(f'{v:.0f}' for v in result['resources']['worker_private_mb'])} MB | — |")
    if result["search_ms"]:
        lines += ["", "| query class (search function, facets included) | matches | uncached p50 ms | p95 ms | p99 ms | cached p50 ms | p95 ms |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {name}{' (headline first)' if v.get('headline_first') else ''} | {'约 ' if v.get('estimated') else ''}{v['count']:,} | {v['p50']:.1f} | {v['p95']:.1f} | {v['p99']:.1f} | "
                  f"{v['cached_p50']:.1f} | {v['cached_p95']:.1f} |" for name, v in result["search_ms"].items()]
    if result["http"]:
        lines += ["", "| URL @ wrk connections | req/s | p50 ms | p95 ms | p99 ms | errors |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {name} | {v.get('requests_per_s')} | {v.get('p50_ms')} | {v.get('p95_ms')} | {v.get('p99_ms')} | {v.get('errors')} |" for name, v in result["http"].items()]
    report = docs / "benchmarks.md"
    if not report.exists():
        report.write_text("# Benchmarks\n\nProduced by `bench/run.py`; each section is one run, newest last. Targets are from issue #7.\n")
    with report.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


def report_saved(path: str, import_only: bool = False) -> None:
    """Write the report of a run saved with --no-report; import_only leaves out its search figures
    (an import measured before the search code changed: re-measure search with --reuse-db)."""
    result = json.loads(Path(path).read_text())
    if import_only:
        result["search_ms"] = {}
    write_report(result)


def main() -> None:
    parser = argparse.ArgumentParser(description="Zhuzhou Daily archive benchmark")
    parser.add_argument("--articles", type=int, default=100000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--http-duration", type=int, default=10, help="seconds of wrk per URL (0 skips HTTP)")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--connections", default="16,64", help="wrk connection counts, comma-separated")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--reuse-db", action="store_true", help="skip the import; measure search and HTTP on the last run's database")
    parser.add_argument("--no-rebuild", action="store_true", help="skip timing a full search-index rebuild after the import")
    parser.add_argument("--report-import", metavar="JSON", help="write the report of a saved --no-report run's import and exit")
    parser.add_argument("--report", metavar="JSON", help="write the report of a saved --no-report run and exit")
    parser.add_argument("--no-report", action="store_true", help="print the figures, don't write docs/")
    args = parser.parse_args()
    if args.report_import or args.report:
        report_saved(args.report_import or args.report, import_only=bool(args.report_import))
        return
    result = run(args.articles, args.db, args.http_duration, args.repeats, args.skip_generate or args.reuse_db, args.reuse_db,
                 rebuild=not args.no_rebuild, connections=tuple(int(c) for c in args.connections.split(",")))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if not args.no_report:
        write_report(result)


if __name__ == "__main__":
    main()
