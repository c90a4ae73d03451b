"""The benchmark itself works: a deterministic generator, and an end-to-end run at a tiny size."""

import json
import os
import subprocess
import sys
from pathlib import Path

from articles.parsing import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402
from run import SEARCH_WORDS, search_lua, search_words  # noqa: E402


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*.txt"))}


def test_generator_is_deterministic_and_looks_like_the_seeds(tmp_path):
    first = generate(120, tmp_path / "a", seed=7)
    generate(120, tmp_path / "b", seed=7)
    generate(120, tmp_path / "c", seed=8)
    assert first["articles"] == 120
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")
    front = parse_bytes((tmp_path / "a" / "1990" / "19900101_1.txt").read_bytes())
    assert front.issue_date.date.isoformat() == "1990-01-01" and not front.issue_date.inferred
    inner = parse_bytes((tmp_path / "a" / "1990" / "19900101_2.txt").read_bytes())
    assert inner.pages[0].staff and inner.pages[0].section_label
    found = sum(len(p.articles) for f in (tmp_path / "a").rglob("*.txt") for p in parse_bytes(f.read_bytes()).pages)
    assert found >= 110  # the parser finds (nearly) every generated article


def test_benchmark_runs_end_to_end(tmp_path):
    env = {**os.environ, "BENCH_OUT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--articles", "200", "--db", "sqlite", "--http-duration", "0", "--repeats", "2", "--no-report"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["articles"] == 200 and figures["import"]["articles_per_s"] > 0
    assert set(figures["search_ms"]) >= {"rare word", "common word (株洲)", "deep page (50)"}
    assert figures["search_ms"]["common word (株洲)"]["count"] > 0


def test_distinct_search_load_has_enough_queries_not_to_repeat():
    words = search_words()
    assert len(words) == len(set(words)) >= 100  # x years x 3 orders: more than a run sends
    assert set(SEARCH_WORDS) <= set(words)
    script = search_lua(years=7)
    assert all(word.replace('"', '\\"') in script for word in words)
    assert "YEARS" not in script and "{WORDS}" not in script
