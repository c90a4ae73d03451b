"""Bylines and photo credits: find them, split the names, assign roles."""

from __future__ import annotations

import re

from articles.parsing.text import CJK
from articles.parsing.types import Contributor

_SP = r"[ \u3000]*"
# Role words may carry OCR spaces inside them ("记 者", "通 讯员").
_ROLE = rf"(?:全{_SP}媒{_SP}体|新{_SP}媒{_SP}体)?{_SP}(?:记{_SP}者|通{_SP}讯{_SP}员|实{_SP}习{_SP}生|摄{_SP}影)"
# Credit words of features and photo pages: "文/图 张三", "图/文 李四", "文字:王五", "文/赵六 图/钱七".
# A lone 文 or 图 counts only before a separator, so names like 文杰 stay names.
_CREDIT_ROLE = rf"(?:文{_SP}/{_SP}图|图{_SP}/{_SP}文|图{_SP}文(?=[ \u3000/:：])|文{_SP}字(?=[ \u3000/:：])|[文图](?={_SP}[/:：]))"
_ANY_ROLE = rf"(?:{_ROLE}|{_CREDIT_ROLE})"
_PAPER = r"(?:株洲日报社?|本报)?"  # older issues sign "本报讯" / "本报记者"
_NAMES = rf"[{CJK}]{{1,4}}(?:{_SP}[{CJK}]{{1,4}}){{0,5}}"

# "株洲日报讯(…) 正文", and the older "本报讯 正文" whose names, if any, follow in parentheses.
LEAD = re.compile(rf"^((?:株洲日报|本报){_SP}讯(?:{_SP}[（(][^）)]{{2,80}}[）)])?)(?![（(]){_SP}(.*)$", re.DOTALL)
BARE_LEAD = re.compile(rf"^(?:株洲日报|本报){_SP}讯$")
BYLINE_LINE = re.compile(rf"^{_PAPER}{_ANY_ROLE}{_SP}[/:：]?{_SP}[{CJK}]")
# "株洲日报全媒体记者/李逸峰 通讯员/李青菁)弘扬…": byline, stray ")" and the body on one line.
BYLINE_THEN_BODY = re.compile(rf"^({_PAPER}{_ROLE}{_SP}/?{_SP}[^)）。，,]{{2,60}}?[)）]){_SP}(.+)$", re.DOTALL)
# A lead whose opening was lost: "讯员/刘朔) 近日…", "兰 通讯员/王海艳) 近日…".
TRUNCATED_LEAD = re.compile(
    rf"^([{CJK}]{{0,3}}{_SP}(?:(?:记{_SP}者|通{_SP}讯{_SP}员|讯{_SP}员|员|者){_SP}/{_SP}[{CJK}]{{2,4}}(?:{_SP}[{CJK}]{{1,4}})*{_SP})+[)）]){_SP}(.+)$",
    re.DOTALL,
)
CREDIT = re.compile(
    rf"((?:{_PAPER}{_ROLE}{_SP}/?{_SP}(?:{_NAMES})?{_SP}(?:摄影|摄|供图))|(?:(?:企业|单位|资料){_SP})?供图|[（(]资料图[）)])$"
)
AUTHOR_NOTE = re.compile(r"^[（(]作者(?:系|单位|为)[^）)]*[）)]$")
NAME_LINE = re.compile(rf"^[{CJK}]{{2,4}}(?:{_SP}[{CJK}]{{2,4}}){{0,2}}$")
_NOT_NAME_ENDINGS = ("区", "县", "市", "镇", "乡", "村", "街道", "社区", "网", "局", "会", "院", "站", "报", "版")

_ROLE_TOKEN = re.compile(rf"((?:株洲日报社?|本报)?{_ANY_ROLE}|讯{_SP}员|(?<![{CJK}])员|(?<![{CJK}])者)")
# Trailing words saying what the people did; "报道" alone changes no role.
_ACTION = re.compile(rf"{_SP}(摄影报道|摄影|摄|供图|整理|报道){_SP}$")
_ACTION_ROLE = {"摄影报道": "photographer", "摄影": "photographer", "摄": "photographer", "供图": "photographer", "整理": "compiler"}
_STRIP = re.compile(r"^(?:株洲日报社?|本报)讯?|[（()）]")


def roles_for(word: str) -> tuple[str, ...]:
    """Roles a byline word gives the names after it ("文/图" gives two)."""
    word = re.sub(r"\s", "", word)
    if word.endswith("记者") or word == "者":
        return ("reporter",)
    if word.endswith("员"):
        return ("correspondent",)
    if word.endswith("实习生"):
        return ("reporter",)
    if word.endswith("摄影") or word == "图":
        return ("photographer",)
    if word in ("文/图", "图/文", "图文"):
        return ("writer", "photographer")
    return ("writer",)


def split_names(text: str) -> tuple[list[str], bool]:
    """Split "傅博芸 刘艺峰" / "马 国安" into names. Returns (names, all_look_valid)."""
    tokens = [t for t in re.split(r"[\s/、,，]+", text) if t]
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1 and not pending:
            pending = token  # OCR split a name: "马 国安" -> 马国安
            continue
        names.append(pending + token)
        pending = ""
    if pending:
        if names and len(names[-1]) <= 2:
            names[-1] += pending
        else:
            names.append(pending)
    valid = all(2 <= len(n) <= 4 and re.fullmatch(f"[{CJK}]+", n) for n in names)
    return names, valid


def parse_byline(text: str) -> tuple[list[Contributor], bool]:
    """Parse a byline or credit into contributors. Returns (contributors, confident)."""
    raw = text
    body = _STRIP.sub(" ", text).strip()
    action = None
    match = _ACTION.search(body)
    if match:
        action = match.group(1)
        body = body[: match.start()]
    parts = _ROLE_TOKEN.split(body)
    contributors: list[Contributor] = []
    confident = True
    if parts and parts[0].strip(" /"):
        # Text before the first role word: a truncated fragment, or a bare name list.
        fragment = parts[0].strip(" /")
        names, valid = split_names(fragment)
        if len(parts) == 1 and valid and names:
            role = _ACTION_ROLE.get(action or "", "reporter" if action == "报道" else "writer")
            return [Contributor(name=n, role=role, raw=raw) for n in names], True
        confident = False
    for index in range(1, len(parts), 2):
        names, valid = split_names(parts[index + 1].strip(" /:："))
        confident = confident and valid
        for role in roles_for(parts[index]):
            contributors += [Contributor(name=name, role=role, raw=raw) for name in names]
    if action in _ACTION_ROLE:
        for contributor in contributors:
            contributor.role = _ACTION_ROLE[action]
    if not contributors and action not in ("供图", "摄", "摄影", "摄影报道"):
        confident = False
    return _dedupe(contributors), confident


def _dedupe(contributors: list[Contributor]) -> list[Contributor]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for contributor in contributors:
        key = (contributor.name, contributor.role)
        if key not in seen:
            seen.add(key)
            unique.append(contributor)
    return unique


HAS_ROLE = re.compile(_ANY_ROLE)


_CREDIT_ENDINGS = ("摄", "影", "图", ")", "）")
_CREDIT_TAIL = 80  # a credit is never longer than this; searching the whole line is quadratic


def split_credit(text: str) -> tuple[str, str]:
    """Split a trailing photo credit off a caption or paragraph: (text, credit)."""
    stripped = text.rstrip()
    if not stripped.endswith(_CREDIT_ENDINGS):
        return text, ""
    offset = max(0, len(stripped) - _CREDIT_TAIL)
    match = CREDIT.search(stripped, offset)
    if not match:
        return text, ""
    return stripped[: match.start()].rstrip(), match.group(1).strip()


def is_byline_line(text: str) -> bool:
    if len(text) > 60 or "。" in text:
        return False
    if not BYLINE_LINE.match(text):
        return False
    return not BYLINE_THEN_BODY.match(text) or text.rstrip().endswith((")", "）"))


def looks_like_name_line(text: str) -> bool:
    text = text.strip()
    if not NAME_LINE.match(text):
        return False
    return not any(token.endswith(_NOT_NAME_ENDINGS) for token in text.split())
