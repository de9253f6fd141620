#!/usr/bin/env python3
"""Generate a synthetic `brief` site for benchmarking.

    python3 bench/gen_site.py OUT_DIR --briefings N [--seed S] [--jobs J] [--force] [--check]
    python3 bench/gen_site.py OUT_DIR --check          # validate an existing site only

Writes OUT_DIR/site.toml, OUT_DIR/content/{sources.toml, explainer.md,
pages/about.md, briefings/*.md}. No themes/ (brief embeds its default theme).
Forty briefings (those numbered 3, 28, 53, ... below 1,000: the same forty
at 1,000 briefings and at 10,000) are folder briefings, briefings/NAME/index.md,
each showing one image beside it: a 2000x1333 JPEG photo (three resized
copies) or a 1200x800 PNG chart (two), written here without any imaging
library (PNG through zlib, JPEG as a baseline greyscale file of flat 8x8
blocks, which decodes and resizes like any other).

Every briefing gets its own RNG seeded from (seed, index), so the output is
deterministic for a given seed, independent of --jobs, and briefing i is the
same whatever N is.  Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import statistics
import sys
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

NOUNS = """
tariff quota license export import magnet refinery supplier ministry agreement
framework deadline shipment mineral metal alloy smelter mine port customs
regulator negotiator delegation summit handshake truce deal clause annex
timeline backlog inventory stockpile price contract buyer seller market
analyst official spokesperson statement memo readout briefing channel review
waiver exemption sanction restriction control regime pipeline capacity output
plant factory battery motor turbine vehicle chip sensor component sector
industry economy forecast estimate figure volume margin premium discount
benchmark index exchange broker trader portfolio investor bond currency
policy strategy priority concession demand offer proposal draft text outcome
signal risk threat leverage pressure dispute complaint appeal ruling court
panel committee council agency bureau office department archive record
dataset survey report note letter warning notice guidance rule standard
audit inspection permit registry ledger network partner ally rival neighbour
region province district corridor route vessel cargo freight container
"""

ADJECTIVES = """
rare critical strategic fragile narrow broad tentative formal informal binding
vague precise early late sudden gradual steady volatile modest sharp heavy
light dense sparse quiet public private official unofficial domestic foreign
regional global bilateral multilateral technical political commercial legal
temporary permanent partial complete initial final revised updated pending
delayed accelerated limited expanded restricted open closed separate joint
uncertain confident cautious aggressive defensive careful detailed brief
lengthy routine unusual familiar obscure visible hidden direct indirect
"""

ADVERBS = """
quietly openly sharply slowly quickly briefly formally abruptly gradually
carefully cautiously firmly loosely largely partly mostly rarely often
reportedly apparently evidently clearly broadly narrowly steadily
"""

# (past tense, base form)
VERBS = [
    ("approved", "approve"), ("delayed", "delay"), ("extended", "extend"),
    ("signalled", "signal"), ("tightened", "tighten"), ("loosened", "loosen"),
    ("published", "publish"), ("withdrew", "withdraw"), ("revised", "revise"),
    ("confirmed", "confirm"), ("denied", "deny"), ("reviewed", "review"),
    ("blocked", "block"), ("cleared", "clear"), ("suspended", "suspend"),
    ("resumed", "resume"), ("proposed", "propose"), ("rejected", "reject"),
    ("accepted", "accept"), ("questioned", "question"), ("outlined", "outline"),
    ("reported", "report"), ("estimated", "estimate"), ("tracked", "track"),
    ("measured", "measure"), ("doubled", "double"), ("halved", "halve"),
    ("shifted", "shift"), ("reframed", "reframe"), ("clarified", "clarify"),
    ("narrowed", "narrow"), ("widened", "widen"), ("linked", "link"),
    ("separated", "separate"), ("restored", "restore"), ("expanded", "expand"),
    ("limited", "limit"), ("stalled", "stall"), ("unlocked", "unlock"),
    ("mirrored", "mirror"), ("softened", "soften"), ("hardened", "harden"),
    ("flagged", "flag"), ("noted", "note"), ("recorded", "record"),
    ("matched", "match"), ("exceeded", "exceed"), ("missed", "miss"),
    ("issued", "issue"), ("granted", "grant"), ("reopened", "reopen"),
    ("drafted", "draft"), ("announced", "announce"), ("described", "describe"),
]

ACTORS = [
    "Beijing", "Washington", "London", "Brussels", "Tokyo", "Canberra",
    "Ottawa", "Seoul", "New Delhi", "Jakarta", "the commerce ministry",
    "the trade office", "the negotiators", "the delegation", "the customs agency",
    "the central bank", "industry groups", "the automakers", "the refiners",
    "magnet producers", "the state council", "the treasury", "analysts",
    "traders", "the export bureau", "both sides", "the working group",
    "the ministry's spokesperson", "several officials", "the regulator",
]

CONNECTORS = [
    "However,", "Meanwhile,", "In practice,", "By contrast,", "Still,",
    "For now,", "At the same time,", "In the meantime,", "Even so,",
    "On paper,", "Crucially,", "In short,", "Separately,", "As a result,",
    "Put simply,", "On balance,", "So far,", "Since then,",
]

PREPOSITIONS = [
    "of", "for", "in", "under", "after", "before", "against", "across",
    "within", "behind", "beyond", "despite", "around", "through", "toward",
]

MODALS = ["could", "would", "might", "should", "will", "may", "must"]

DETS = ["the", "a", "one", "each", "another", "this", "that", "every"]

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]

TAGS = [
    "rare-earths", "export-controls", "magnets", "tariffs", "london-talks",
    "geneva-talks", "supply-chains", "licensing", "gallium", "germanium",
    "antimony", "graphite", "lithium", "cobalt", "nickel", "dysprosium",
    "terbium", "neodymium", "yttrium", "samarium", "refining", "mining",
    "semiconductors", "electric-vehicles", "defense", "wind-power", "batteries",
    "customs", "sanctions", "wto", "g7", "eu", "japan", "australia", "canada",
    "korea", "india", "africa", "latin-america", "stockpiles", "prices",
    "shipping", "investment", "recycling", "processing", "data", "analysis",
    "timeline", "explainer", "corrections",
]

PUBLISHERS = [
    ("The Northern Ledger", "news"), ("Metals Weekly", "news"),
    ("Harbour Street Journal", "news"), ("Daily Assay", "news"),
    ("Ore & Alloy Review", "analysis"), ("Supply Chain Monitor", "analysis"),
    ("Institute for Trade Studies", "analysis"), ("Critical Minerals Desk", "analysis"),
    ("The Long View", "opinion"), ("Policy Forum Quarterly", "opinion"),
    ("Ministry of Commerce", "official"), ("Office of the Trade Representative", "official"),
    ("Department of Industry", "official"), ("Customs Statistics Bureau", "data"),
    ("Open Trade Data Project", "data"), ("Commodity Price Index Board", "data"),
]
KINDS = ["news", "analysis", "opinion", "official", "data"]

RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await",
    "dyn", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
}


def _words(block: str) -> list[str]:
    return [w for w in block.split() if w]


def _plural(n: str) -> str:
    if n.endswith("y") and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    if n.endswith(("s", "x", "ch", "sh")):
        return n + "es"
    return n + "s"


NOUN_LIST = _words(NOUNS)
NOUN_PLURALS = [_plural(n) for n in NOUN_LIST]
ADJ_LIST = _words(ADJECTIVES)
ADV_LIST = _words(ADVERBS)
VERB_PAST = [v[0] for v in VERBS]
VERB_BASE = [v[1] for v in VERBS]
IDENT_WORDS = [w for w in NOUN_LIST + ADJ_LIST if w not in RUST_KEYWORDS]
IDENT_NOUNS = [w for w in NOUN_LIST if w not in RUST_KEYWORDS]

START = dt.date(2022, 1, 1)
END = dt.date(2024, 12, 31)  # every briefing is dated before 2025-01-01
SPAN_DAYS = (END - START).days + 1

N_SOURCES = 40
WORD_TARGET = 800

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def toml_str(s: str) -> str:
    """A TOML basic string."""
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'


def a_an(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def camel(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def kebab(*parts: str) -> str:
    return "-".join(parts)


def briefing_rng(seed: int, i: int) -> random.Random:
    return random.Random(f"brief-bench:{seed}:briefing:{i}")


def global_rng(seed: int) -> random.Random:
    return random.Random(f"brief-bench:{seed}:global")


# --------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------


def sentence(r: random.Random) -> str:
    c = r.choice
    t = r.randrange(14)
    if t == 0:
        s = f"{cap(c(DETS))} {c(ADJ_LIST)} {c(NOUN_LIST)} {c(VERB_PAST)} the {c(NOUN_LIST)} {c(PREPOSITIONS)} {c(ACTORS)}."
    elif t == 1:
        s = f"{cap(c(ACTORS))} {c(VERB_PAST)} that the {c(NOUN_LIST)} {c(MODALS)} {c(VERB_BASE)} {c(ADV_LIST)}."
    elif t == 2:
        s = f"{c(CONNECTORS)} the {c(ADJ_LIST)} {c(NOUN_LIST)} {c(ADV_LIST)} {c(VERB_PAST)} {c(DETS)} {c(NOUN_LIST)} {c(PREPOSITIONS)} the {c(ADJ_LIST)} {c(NOUN_LIST)}."
    elif t == 3:
        s = f"According to {c(ACTORS)}, the {c(NOUN_LIST)} of {c(NOUN_PLURALS)} {c(VERB_PAST)} {c(ADV_LIST)} {c(PREPOSITIONS)} {c(MONTHS)}."
    elif t == 4:
        s = f"Will {c(ACTORS)} {c(VERB_BASE)} the {c(ADJ_LIST)} {c(NOUN_LIST)} {c(PREPOSITIONS)} the {c(NOUN_LIST)}?"
    elif t == 5:
        pct = f"{r.randint(2, 95)}.{r.randint(0, 9)}"
        s = f"{cap(c(NOUN_PLURALS))} of {c(ADJ_LIST)} {c(NOUN_PLURALS)} {c(VERB_PAST)} by {pct} percent in {c(MONTHS)} {r.randint(2019, 2024)}."
    elif t == 6:
        s = f'{cap(c(ACTORS))} called the {c(NOUN_LIST)} "{c(ADJ_LIST)} but {c(ADJ_LIST)}" and {c(VERB_PAST)} the {c(NOUN_LIST)}.'
    elif t == 7:
        s = f"The {c(NOUN_LIST)}'s {c(ADJ_LIST)} {c(NOUN_LIST)} is not {a_an(c(NOUN_LIST))}; it is {a_an(c(ADJ_LIST))} {c(NOUN_LIST)} with {c(ADJ_LIST)} {c(NOUN_PLURALS)}."
    elif t == 8:
        s = f"{cap(c(ADJ_LIST))} {c(NOUN_PLURALS)} {c(VERB_PAST)} {c(ADV_LIST)}, and {c(ACTORS)} {c(VERB_PAST)} the {c(NOUN_LIST)} {c(PREPOSITIONS)} {r.randint(2, 60)} days."
    elif t == 9:
        s = f"{c(CONNECTORS)} nobody {c(VERB_PAST)} whether the {c(NOUN_LIST)} {c(MODALS)} {c(VERB_BASE)} the {c(NOUN_LIST)} — or merely the {c(NOUN_LIST)}."
    elif t == 10:
        s = f"{cap(c(DETS))} {c(NOUN_LIST)} {c(PREPOSITIONS)} {c(ACTORS)} {c(VERB_PAST)} {r.randint(3, 900)} {c(NOUN_PLURALS)}, up from {r.randint(1, 300)}."
    elif t == 11:
        s = f"It {c(VERB_PAST)} the {c(ADJ_LIST)} {c(NOUN_LIST)}, not the {c(NOUN_LIST)} itself."
    elif t == 12:
        s = f"{cap(c(ACTORS))} {c(ADV_LIST)} {c(VERB_PAST)} {c(DETS)} {c(ADJ_LIST)} {c(NOUN_LIST)}, {c(ADJ_LIST)} and {c(ADJ_LIST)}, {c(PREPOSITIONS)} the {c(NOUN_LIST)}."
    else:
        s = f"That {c(NOUN_LIST)} {c(MODALS)} {c(VERB_BASE)} {c(DETS)} {c(NOUN_LIST)} {c(PREPOSITIONS)} {c(NOUN_PLURALS)} {c(ADV_LIST)}."
    return s


WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*")


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))


def paragraph(r: random.Random, budget: int) -> tuple[list[str], int]:
    sents: list[str] = []
    n = 0
    while n < budget:
        s = sentence(r)
        sents.append(s)
        n += s.count(" ") + 1
    return sents, n


def wrap_words(r: random.Random, sent: str, k: int, left: str, right: str) -> str | None:
    """Wrap k consecutive plain lowercase words of `sent` (not the first) in left/right."""
    words = sent.split(" ")
    cands = [
        i for i in range(1, len(words) - k)
        if all(words[j].isalpha() and words[j].islower() for j in range(i, i + k))
    ]
    if not cands:
        return None
    i = r.choice(cands)
    words[i] = left + words[i]
    words[i + k - 1] = words[i + k - 1] + right
    return " ".join(words)


def add_before_end(sent: str, tail: str) -> str:
    """Insert `tail` right before the final punctuation."""
    return sent[:-1] + tail + sent[-1]


def url_path(r: random.Random) -> str:
    c = r.choice
    kind = r.randrange(3)
    if kind == 0:
        return f"https://example.com/{c(NOUN_PLURALS)}/{c(ADJ_LIST)}-{c(NOUN_LIST)}"
    if kind == 1:
        return f"https://example.com/{r.randint(2019, 2024)}/{r.randint(1, 12):02d}/{c(NOUN_LIST)}-{r.randint(100, 99999)}"
    return f"https://example.com/report?id={r.randint(1000, 999999)}&lang=en"


# --------------------------------------------------------------------------
# Rust code block (varies per briefing: identifiers, numbers, literals, shape)
# --------------------------------------------------------------------------


def _ident(r: random.Random, used: set[str], parts: int = 2) -> str:
    for _ in range(100):
        name = "_".join(r.choice(IDENT_WORDS) for _ in range(parts))
        if name not in used:
            used.add(name)
            return name
    name = f"{r.choice(IDENT_WORDS)}_{len(used)}"
    used.add(name)
    return name


def _type_name(r: random.Random, used: set[str]) -> str:
    for _ in range(100):
        name = camel(r.choice(ADJ_LIST), r.choice(IDENT_NOUNS))
        if name not in used:
            used.add(name)
            return name
    name = camel(r.choice(IDENT_NOUNS)) + str(len(used))
    used.add(name)
    return name


def _lit(r: random.Random) -> str:
    return f"{r.choice(ADJ_LIST)} {r.choice(NOUN_LIST)} {r.randint(1, 999)}"


def rust_code(r: random.Random) -> str:
    used: set[str] = set()
    shape = r.randrange(4)
    n = lambda lo, hi: r.randint(lo, hi)  # noqa: E731
    if shape == 0:
        st, f1, f2, f3 = _type_name(r, used), _ident(r, used), _ident(r, used), _ident(r, used)
        m, arg = _ident(r, used), _ident(r, used, 1)
        lines = [
            f"pub struct {st} {{",
            f"    {f1}: u32,",
            f"    {f2}: String,",
            f"    {f3}: Vec<f64>,",
            "}",
            f"impl {st} {{",
            f"    pub fn {m}(&self, {arg}: usize) -> Option<f64> {{",
            f"        let mut total = {n(0, 500)}.{n(0, 99)};",
            f"        for (i, v) in self.{f3}.iter().enumerate() {{",
            f"            if i > {arg} {{",
            "                break;",
            "            }",
            f"            total += v * {n(1, 9)}.{n(0, 999)};",
            "        }",
            f"        match self.{f1} {{",
            f"            1..={n(2, 64)} => Some(total),",
            f"            _ => Some(total / f64::from(self.{f1})),",
            "        }",
            "    }",
            "}",
        ]
    elif shape == 1:
        en = _type_name(r, used)
        v = [camel(r.choice(ADJ_LIST)) for _ in range(3)]
        v = list(dict.fromkeys(v))
        while len(v) < 3:
            v.append(camel(r.choice(IDENT_NOUNS)) + str(len(v)))
            v = list(dict.fromkeys(v))
        fn, arg, acc = _ident(r, used), _ident(r, used, 1), _ident(r, used, 1)
        lines = [
            f"enum {en} {{",
            *[f"    {x}," for x in v],
            "}",
            f"fn {fn}({arg}: &[{en}]) -> (u64, &'static str) {{",
            f"    let mut {acc}: u64 = {n(0, 10_000)};",
            f"    for item in {arg} {{",
            f"        {acc} += match item {{",
            f"            {en}::{v[0]} => {n(1, 99)},",
            f"            {en}::{v[1]} | {en}::{v[2]} => {n(100, 999)},",
            "        };",
            "    }",
            f"    let label = if {acc} > {n(1000, 90_000)} {{",
            f'        "{_lit(r)}"',
            "    } else {",
            f'        "{_lit(r)}"',
            "    };",
            f"    ({acc}, label)",
            "}",
        ]
    elif shape == 2:
        fn, key, cnt = _ident(r, used), _ident(r, used, 1), _ident(r, used)
        sep = r.choice([",", ";", "|", "=", ":"])
        lines = [
            "use std::collections::HashMap;",
            f"/// Parses `{r.choice(NOUN_LIST)}` records and counts them per {r.choice(NOUN_LIST)}.",
            f"pub fn {fn}(input: &str) -> HashMap<String, usize> {{",
            f"    let mut {cnt} = HashMap::with_capacity({n(4, 512)});",
            "    for (lineno, line) in input.lines().enumerate() {",
            f'        if line.trim().is_empty() || line.starts_with("{r.choice(["#", "//", "--", ";"])}") {{',
            "            continue;",
            "        }",
            f"        let mut fields = line.splitn({n(2, 6)}, '{sep}');",
            f"        let {key} = match fields.next() {{",
            "            Some(k) if !k.is_empty() => k.trim().to_lowercase(),",
            "            _ => {",
            f'                eprintln!("line {{}}: missing {r.choice(NOUN_LIST)}", lineno + 1);',
            "                continue;",
            "            }",
            "        };",
            f"        *{cnt}.entry({key}).or_insert(0) += {n(1, 3)};",
            "    }",
            f"    {cnt}",
            "}",
        ]
    else:
        tr, st, m = _type_name(r, used), _type_name(r, used), _ident(r, used)
        f1, f2 = _ident(r, used), _ident(r, used)
        lines = [
            f"pub trait {tr} {{",
            f"    fn {m}(&self) -> f64;",
            "}",
            f"pub struct {st} {{ pub {f1}: f64, pub {f2}: i64 }}",
            f"impl {tr} for {st} {{",
            f"    fn {m}(&self) -> f64 {{",
            f"        let base = self.{f1} * {n(1, 99)}.{n(0, 9)};",
            f"        match self.{f2} {{",
            f"            i64::MIN..=-1 => base - {n(1, 999)}.0,",
            "            0 => base,",
            f"            x => base + (x as f64).sqrt() * {n(2, 40)}.{n(0, 99)},",
            "        }",
            "    }",
            "}",
            "",
            "#[test]",
            f"fn {m}_is_finite() {{",
            f"    let s = {st} {{ {f1}: {n(0, 999)}.{n(0, 9)}, {f2}: {n(-99, 999)} }};",
            f'    assert!(s.{m}().is_finite(), "{_lit(r)}");',
            "}",
        ]
    # Every block is 20 lines: the size the issue's highlighting floor
    # (37,000 lines/s per core) is quoted for.
    assert len(lines) == 20, (shape, len(lines))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Table, list, headings
# --------------------------------------------------------------------------


def table(r: random.Random, year: int) -> str:
    c = r.choice
    scheme = r.randrange(3)
    rows = r.randint(4, 6)
    if scheme == 0:
        head = ["Item", "Date", "Volume (t)", "Change"]
        align = ["---", ":---:", "---:", "---:"]
        body = [
            [cap(c(NOUN_LIST)), f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
             f"{r.randint(1, 99_999):,}", f"{r.choice('+-−')}{r.randint(0, 80)}.{r.randint(0, 9)}%"]
            for _ in range(rows)
        ]
    elif scheme == 1:
        head = ["Actor", "Position", "Status"]
        align = ["---", "---", "---"]
        body = [
            [cap(c(ACTORS)), f"{cap(c(ADJ_LIST))} {c(NOUN_LIST)}", f"*{c(['open', 'agreed', 'pending', 'withdrawn', 'disputed'])}*"]
            for _ in range(rows)
        ]
    else:
        head = ["Metric", f"{year - 1}", f"{year}", "Note"]
        align = ["---", "---:", "---:", "---"]
        body = [
            [cap(c(NOUN_LIST)), str(r.randint(10, 9999)), str(r.randint(10, 9999)),
             f"`{c(IDENT_WORDS)}_{c(IDENT_WORDS)}`" if r.random() < 0.3 else f"{c(ADJ_LIST)} {c(NOUN_LIST)}"]
            for _ in range(rows)
        ]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(out)


def bullet_list(r: random.Random) -> str:
    c = r.choice
    items = []
    for _ in range(r.randint(3, 6)):
        k = r.randrange(3)
        if k == 0:
            items.append(f"{cap(c(ADJ_LIST))} {c(NOUN_PLURALS)} {c(PREPOSITIONS)} {c(ACTORS)}")
        elif k == 1:
            items.append(f"{cap(c(NOUN_LIST))}: {c(VERB_PAST)} {c(ADV_LIST)}, {c(ADJ_LIST)} {c(NOUN_LIST)} still {c(['pending', 'open', 'unclear'])}")
        else:
            items.append(f"{cap(c(ACTORS))} {c(MODALS)} {c(VERB_BASE)} the {c(NOUN_LIST)} by {c(MONTHS)}")
    marker = r.choice(["-", "*"])
    return "\n".join(f"{marker} {it}" for it in items)


def heading_text(r: random.Random) -> str:
    c = r.choice
    k = r.randrange(5)
    if k == 0:
        return f"The {c(ADJ_LIST)} {c(NOUN_LIST)}"
    if k == 1:
        return f"What {c(ACTORS)} {c(VERB_PAST)}"
    if k == 2:
        return f"{cap(c(NOUN_PLURALS))} and {c(NOUN_PLURALS)}"
    if k == 3:
        return f"Why the {c(NOUN_LIST)} {c(MODALS)} {c(VERB_BASE)}"
    return f"{cap(c(ADJ_LIST))} {c(NOUN_PLURALS)} {c(PREPOSITIONS)} {c(ACTORS)}"


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def make_sources(seed: int) -> list[dict]:
    r = global_rng(seed)
    sources = []
    ids: set[str] = set()
    for k in range(N_SOURCES):
        publisher, default_kind = PUBLISHERS[k % len(PUBLISHERS)]
        kind = default_kind if r.random() < 0.7 else r.choice(KINDS)
        pub_slug = "-".join(w.lower().strip("&") for w in publisher.split() if w not in {"&", "The", "of", "for"})[:20].rstrip("-")
        topic = r.choice(IDENT_NOUNS)
        published = START - dt.timedelta(days=200) + dt.timedelta(days=r.randrange(SPAN_DAYS + 150))
        sid = f"{pub_slug}-{topic}-{published.year}"
        while sid in ids:
            sid = f"{pub_slug}-{topic}-{published.year}-{r.choice(ADJ_LIST)}"
        ids.add(sid)
        src = {
            "id": sid,
            "title": f"{cap(r.choice(ADJ_LIST))} {r.choice(NOUN_LIST)} {r.choice(PREPOSITIONS)} {r.choice(ACTORS)}: {r.choice(['a review', 'the numbers', 'what changed', 'notes', 'the full text', 'an assessment'])}",
            "publisher": publisher,
            "published": published,
            "kind": kind,
        }
        if r.random() < 0.75:
            src["url"] = f"https://example.com/{pub_slug}/{published.year}/{r.choice(ADJ_LIST)}-{topic}-{r.randint(10, 9999)}"
        src["note"] = r.choice([
            f"Figures for {r.choice(MONTHS)} were later revised.",
            "Paywalled; quoted from the public summary.",
            f"Cites an unnamed {r.choice(NOUN_LIST)}.",
            "Machine-translated from the original.",
            f"Table {r.randint(1, 9)} double-counts re-exports.",
            'Headline says "deal"; the text says "framework".',
        ])
        sources.append(src)
    return sources


def sources_toml(sources: list[dict]) -> str:
    out = ["# Synthetic source registry generated by bench/gen_site.py", ""]
    for s in sources:
        out.append(f"[{s['id']}]")
        out.append(f"title = {toml_str(s['title'])}")
        out.append(f"publisher = {toml_str(s['publisher'])}")
        out.append(f"published = {s['published'].isoformat()}")
        if "url" in s:
            out.append(f"url = {toml_str(s['url'])}")
        out.append(f"kind = {toml_str(s['kind'])}")
        out.append(f"note = {toml_str(s['note'])}")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------
# One briefing
# --------------------------------------------------------------------------

TAG_WEIGHTS = [1.0 / (k + 1) ** 0.7 for k in range(len(TAGS))]


def pick_tags(r: random.Random) -> list[str]:
    k = r.randint(2, 5)
    chosen: list[str] = []
    while len(chosen) < k:
        t = r.choices(TAGS, TAG_WEIGHTS)[0]
        if t not in chosen:
            chosen.append(t)
    return chosen


def citation_groups(r: random.Random, i: int, source_ids: list[str]) -> list[str]:
    """2-4 Pandoc citations; the first two walk the registry so every source is
    cited once N >= len(sources) / 2."""
    S = len(source_ids)
    forced = [source_ids[(2 * i) % S], source_ids[(2 * i + 1) % S]]
    groups = []
    for g in range(r.randint(2, 4)):
        first = forced[g] if g < 2 else r.choice(source_ids)
        x = r.random()
        if x < 0.15:
            other = r.choice(source_ids)
            if other == first:
                groups.append(f"[@{first}]")
            else:
                groups.append(f"[@{first}; @{other}]")
        elif x < 0.30:
            loc = r.choice([f"p. {r.randint(1, 240)}", f"table {r.randint(1, 9)}", r.choice(ACTORS)])
            groups.append(f'[@{first}, "{loc}"]')
        else:
            groups.append(f"[@{first}]")
    return groups


def briefing(seed: int, i: int, width: int, source_ids: list[str]) -> tuple[str, str]:
    """Return (file name, file text) of briefing i."""
    r = briefing_rng(seed, i)
    c = r.choice
    day = START + dt.timedelta(days=r.randrange(SPAN_DAYS))
    if r.random() < 0.1:
        hh, mm = r.randint(6, 22), r.choice([0, 15, 30, 45])
        off = r.choice(["+00:00", "+01:00", "+08:00", "-05:00", "-04:00", "+09:00"])
        date_val = f"{day.isoformat()}T{hh:02d}:{mm:02d}:00{off}"
    else:
        date_val = day.isoformat()
    slug_words = [c(ADJ_LIST), c(NOUN_LIST)] + ([c(NOUN_LIST)] if r.random() < 0.5 else [])
    slug = kebab(*slug_words, f"{i:0{width}d}")
    fname = f"{day.isoformat()}-{slug}.md"

    title_kind = r.randrange(4)
    if title_kind == 0:
        title = f"{cap(c(ACTORS))} {c(VERB_PAST)} the {c(ADJ_LIST)} {c(NOUN_LIST)}"
    elif title_kind == 1:
        title = f"{cap(c(ADJ_LIST))} {c(NOUN_PLURALS)}, {c(ADJ_LIST)} {c(NOUN_PLURALS)}"
    elif title_kind == 2:
        title = f'Why the "{c(NOUN_LIST)}" is not {a_an(c(NOUN_LIST))}'
    else:
        title = f"{cap(c(NOUN_LIST))} {c(PREPOSITIONS)} {c(ACTORS)}: what {c(VERB_PAST)} and what did not"

    fm = ["+++", f"title = {toml_str(title)}", f"date = {date_val}"]
    if r.random() < 0.5:
        summary = " ".join(sentence(r) for _ in range(r.randint(1, 2)))
        fm.append(f"summary = {toml_str(summary)}")
    tags = pick_tags(r)
    fm.append("tags = [" + ", ".join(toml_str(t) for t in tags) + "]")
    fm.append("+++")

    # ---- fixed blocks
    n_head = r.randint(3, 5)
    heads = []
    seen_h: set[str] = set()
    for h in range(n_head):
        level = "##" if h == 0 or r.random() < 0.6 else "###"
        text = heading_text(r)
        while text in seen_h:
            text = heading_text(r)
        seen_h.add(text)
        heads.append(f"{level} {text}")
    tbl = table(r, day.year)
    lst = bullet_list(r)
    code = rust_code(r)
    n_fn = r.randint(2, 3)
    fn_defs = []
    for k in range(1, n_fn + 1):
        d = sentence(r)
        if r.random() < 0.4:
            d = add_before_end(d, f", see [{c(NOUN_LIST)} {r.randint(1, 99)}]({url_path(r)})")
        fn_defs.append(f"[^{k}]: {d}")
    cites = citation_groups(r, i, source_ids)

    fixed_words = sum(count_words(x) for x in heads + [tbl, lst] + fn_defs)
    fixed_words += sum(count_words(x) for x in cites)
    target = r.randint(WORD_TARGET - 30, WORD_TARGET + 30)
    # paragraphs overshoot their budget by about half a sentence each, and the
    # code block's lead-in line is not budgeted: aim a little low
    remaining = max(200, target - fixed_words - 23)

    # ---- paragraphs
    n_par = r.randint(8, 11)
    paras: list[list[str]] = []
    left = remaining
    for p in range(n_par):
        share = left // (n_par - p)
        sents, used = paragraph(r, max(12, share - 4))
        paras.append(sents)
        left -= used

    # ---- inline decorations, each on its own sentence
    slots = [(p, s) for p in range(n_par) for s in range(len(paras[p]))]
    r.shuffle(slots)
    slot_iter = iter(slots)

    def decorate(fn) -> None:
        for _ in range(20):
            p, s = next(slot_iter)
            new = fn(paras[p][s])
            if new is not None:
                paras[p][s] = new
                return

    for _ in range(r.randint(2, 4)):
        decorate(lambda s: wrap_words(r, s, r.randint(1, 2), "*", "*"))
    for _ in range(r.randint(1, 3)):
        decorate(lambda s: wrap_words(r, s, r.randint(1, 2), "**", "**"))
    for _ in range(r.randint(1, 3)):
        decorate(lambda s: add_before_end(s, f" (`{c(IDENT_WORDS)}_{c(IDENT_WORDS)}`)") if r.random() < 0.5
                 else wrap_words(r, s, 1, "`", "`"))
    for _ in range(r.randint(1, 3)):
        decorate(lambda s: wrap_words(r, s, r.randint(2, 3), "[", f"]({url_path(r)})"))
    for g in cites:
        decorate(lambda s, g=g: add_before_end(s, " " + g))
    # footnote refs in order of appearance: paragraphs spread across the body
    fn_paras = sorted(r.sample(range(n_par), n_fn))
    # (on an undecorated sentence: `[@x][^1]` would read as a reference link)
    for k, p in enumerate(fn_paras, start=1):
        plain = [j for j, sent in enumerate(paras[p]) if not any(ch in sent for ch in "[`*")]
        s = r.choice(plain) if plain else len(paras[p])
        if s == len(paras[p]):
            paras[p].append(sentence(r))
        sent = paras[p][s]
        paras[p][s] = sent + f"[^{k}]" if sent[-1] == "?" else add_before_end(sent, f"[^{k}]")

    ptext = [" ".join(p) for p in paras]

    # ---- layout: intro paragraphs, then sections carrying the fixed blocks
    body: list[str] = []
    body += ptext[:2]
    rest = ptext[2:]
    blocks = [lst, tbl, code_para(r, code)]
    r.shuffle(blocks)
    # distribute rest paragraphs and blocks over headings
    per = [[] for _ in heads]
    for k, p in enumerate(rest):
        per[k % len(heads)].append(p)
    for k, b in enumerate(blocks):
        per[k % len(heads)].insert(1 if per[k % len(heads)] else 0, b)
    for h, content in zip(heads, per):
        body.append(h)
        body += content
    body += fn_defs
    text = "\n".join(fm) + "\n\n" + "\n\n".join(body) + "\n"
    return fname, text


def code_para(r: random.Random, code: str) -> str:
    lead = f"{cap(a_an(r.choice(ADJ_LIST)))} model of the {r.choice(NOUN_LIST)} makes the {r.choice(NOUN_LIST)} concrete:"
    return f"{lead}\n\n```rust\n{code}\n```"


def _write_chunk(args: tuple) -> int:
    out_dir, seed, width, source_ids, indices = args
    bdir = Path(out_dir) / "content" / "briefings"
    for i in indices:
        name, text = briefing(seed, i, width, source_ids)
        path = bdir / name
        if has_figure(i):
            text, image_name, image = with_figure(seed, i, text)
            folder = bdir / name[: -len(".md")]
            folder.mkdir(exist_ok=True)
            (folder / image_name).write_bytes(image)
            path = folder / "index.md"
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return len(indices)


# --------------------------------------------------------------------------
# Figures: folder briefings with an image beside them
# --------------------------------------------------------------------------

FIGURE_EVERY = 25
FIGURES_BELOW = 1000


def has_figure(i: int) -> bool:
    """Forty briefings, the same ones at any size from 1,000 up."""
    return i < FIGURES_BELOW and i % FIGURE_EVERY == 3


def with_figure(seed: int, i: int, text: str) -> tuple[str, str, bytes]:
    """The briefing's text with a figure after its first paragraph, and the
    image it shows: (text, image file name, image bytes)."""
    r = random.Random(f"figure:{seed}:{i}")
    noun = r.choice(NOUN_LIST)
    if (i // FIGURE_EVERY) % 2 == 0:
        name, image = "photo.jpg", jpeg_bytes(r, 2000, 1333)
        figure = f'![A {r.choice(ADJ_LIST)} {noun} at the port]({name} "The {noun}, photographed in June.")'
    else:
        name, image = "chart.png", png_bytes(r, 1200, 800)
        figure = (
            "```figure\n"
            f'src = "{name}"\n'
            f'alt = "A bar chart of {_plural(noun)} by month"\n'
            f'caption = "{cap(_plural(noun))} by month, *{r.choice(ADJ_LIST)}* estimate."\n'
            'credit = "Chart: Synthetic Briefings"\n'
            "```"
        )
    end = text.index("\n+++\n", 3) + len("\n+++\n")
    first = text.index("\n\n", text.index("\n\n", end - 1) + 2)
    return text[:first] + "\n\n" + figure + text[first:], name, image


def png_bytes(r: random.Random, w: int, h: int) -> bytes:
    """An RGB PNG of w x h: bars over a gradient, a chart's kind of image."""
    import struct
    import zlib

    base = [r.randrange(200, 256) for _ in range(3)]
    bars = [(r.randrange(40, 200), tuple(r.randrange(256) for _ in range(3))) for _ in range(12)]
    bar_w = w // len(bars)
    rows = []
    for level in range(16):
        y_frac = level / 15
        row = bytearray()
        for k, (height, colour) in enumerate(bars):
            inside = (1 - y_frac) * 255 < height
            px = bytes(colour) if inside else bytes(max(0, c - level * 4) for c in base)
            row += px * bar_w
        row += bytes(base) * (w - bar_w * len(bars))
        rows.append(b"\x00" + bytes(row))
    raw = b"".join(rows[y * 16 // h] for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def jpeg_bytes(r: random.Random, w: int, h: int) -> bytes:
    """A baseline greyscale JPEG of w x h whose 8x8 blocks are each one
    shade (DC coefficients only, a random walk), with two tiny Huffman
    tables of its own: DC categories 0-2 and the end-of-block code."""
    import struct

    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">HH", marker, len(data) + 2) + data

    out = bytearray(b"\xff\xd8")
    out += segment(0xFFDB, b"\x00" + bytes([16] * 64))  # table 0: every step 16
    out += segment(0xFFC0, struct.pack(">BHHB", 8, h, w, 1) + bytes([1, 0x11, 0]))
    # DC table 0: three codes of two bits (00, 01, 10) for categories 0, 1, 2.
    out += segment(0xFFC4, bytes([0x00]) + bytes([0, 3] + [0] * 14) + bytes([0, 1, 2]))
    # AC table 0: one code of one bit (0) for end-of-block.
    out += segment(0xFFC4, bytes([0x10]) + bytes([1] + [0] * 15) + bytes([0]))
    out += segment(0xFFDA, bytes([1, 1, 0x00, 0, 63, 0]))
    codes = {0: (0b00, 2), 1: (0b01, 2), 2: (0b10, 2)}
    bits, nbits = 0, 0
    data = bytearray()

    def put(value: int, length: int) -> None:
        nonlocal bits, nbits
        bits = (bits << length) | value
        nbits += length
        while nbits >= 8:
            nbits -= 8
            byte = (bits >> nbits) & 0xFF
            data.append(byte)
            if byte == 0xFF:
                data.append(0)  # byte stuffing
        bits &= (1 << nbits) - 1

    dc = 0
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    for _ in range(blocks):
        step = r.choice((-3, -2, -1, 0, 0, 1, 2, 3))
        if abs(dc + step) > 60:
            step = -step
        dc += step
        size = 0 if step == 0 else (1 if abs(step) == 1 else 2)
        code, length = codes[size]
        put(code, length)
        if size:
            put(step if step > 0 else step + (1 << size) - 1, size)
        put(0, 1)  # end of block: no AC coefficients
    if nbits:
        put((1 << (8 - nbits)) - 1, 8 - nbits)  # pad with ones
    out += data + b"\xff\xd9"
    return bytes(out)


# --------------------------------------------------------------------------
# Site
# --------------------------------------------------------------------------


def site_toml(n: int, seed: int) -> str:
    return f"""\
title = "Synthetic Briefings ({n})"
description = "A generated benchmark site: {n} briefings, seed {seed}. Not real news."
base_url = "https://example.org/"
language = "en"
theme = "default"
paginate_by = 10

[highlight]
light = "InspiredGitHub"
dark = "base16-ocean.dark"
"""


def simple_page(title: str, r: random.Random, paras: int) -> str:
    body = "\n\n".join(" ".join(paragraph(r, 60)[0]) for _ in range(paras))
    return f"+++\ntitle = {toml_str(title)}\n+++\n\n{body}\n"


def generate(out: Path, n: int, seed: int, jobs: int) -> None:
    content = out / "content"
    (content / "briefings").mkdir(parents=True, exist_ok=True)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (out / "site.toml").write_text(site_toml(n, seed), encoding="utf-8")
    sources = make_sources(seed)
    (content / "sources.toml").write_text(sources_toml(sources), encoding="utf-8")
    r = global_rng(seed + 1)
    about = simple_page("About", r, 3)
    (content / "pages" / "about.md").write_text(about, encoding="utf-8")
    # brief's layout has a running explainer intro; harmless if unused.
    (content / "explainer.md").write_text(simple_page("The deal, explained", r, 2), encoding="utf-8")

    ids = [s["id"] for s in sources]
    width = max(4, len(str(max(n - 1, 0))))
    if jobs <= 1 or n < 1000:
        _write_chunk((str(out), seed, width, ids, range(n)))
    else:
        chunks = [(str(out), seed, width, ids, range(k, n, jobs * 4)) for k in range(jobs * 4)]
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            sum(ex.map(_write_chunk, chunks))


# --------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------

FM_RE = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
FENCE_RE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
CITE_RE = re.compile(r"(?<!\\)\[(@[^\]]*)\]")
CITE_ID_RE = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&\-+?<>~/]*)")
FN_REF_RE = re.compile(r"\[\^(\d+)\](?!:)")
FN_DEF_RE = re.compile(r"^\[\^(\d+)\]:", re.M)
NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9-]+)\.md$")
ALLOWED_FM = {"title", "date", "updated", "summary", "tags", "draft", "slug", "deal"}


def split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    m = FM_RE.match(text)
    if not m:
        raise ValueError(f"{path}: no +++ front matter at byte 0")
    return tomllib.loads(m.group(1)), text[m.end():]


def check(out: Path) -> int:
    t0 = time.perf_counter()
    errors: list[str] = []

    def err(msg: str) -> None:
        if len(errors) < 50:
            errors.append(msg)
        else:
            errors.append("...")

    if not (out / "site.toml").is_file():
        print(f"check: {out / 'site.toml'} not found: not a generated site", file=sys.stderr)
        return 1
    site = tomllib.loads((out / "site.toml").read_text(encoding="utf-8"))
    for k in ("title", "description", "base_url", "language", "theme", "paginate_by", "highlight"):
        if k not in site:
            err(f"site.toml: missing {k}")
    if (out / "themes").exists():
        err("themes/ must not be generated")

    sources = tomllib.loads((out / "content" / "sources.toml").read_text(encoding="utf-8"))
    if not 30 <= len(sources) <= 50:
        err(f"sources.toml: {len(sources)} sources, expected ~40")
    for sid, s in sources.items():
        for k in ("title", "publisher", "kind"):
            if not isinstance(s.get(k), str):
                err(f"sources.toml [{sid}]: missing {k}")
        if s.get("kind") not in KINDS:
            err(f"sources.toml [{sid}]: bad kind {s.get('kind')!r}")
        if not isinstance(s.get("published"), dt.date) or isinstance(s.get("published"), dt.datetime):
            err(f"sources.toml [{sid}]: published is not a TOML date")
        if "url" in s and not s["url"].startswith("https://example.com/"):
            err(f"sources.toml [{sid}]: url {s['url']!r}")
        extra = set(s) - {"title", "publisher", "published", "url", "accessed", "kind", "note"}
        if extra:
            err(f"sources.toml [{sid}]: unknown keys {extra}")

    for page in [out / "content" / "pages" / "about.md", out / "content" / "explainer.md"]:
        fm, _ = split_front_matter(page, page.read_text(encoding="utf-8"))
        if not isinstance(fm.get("title"), str):
            err(f"{page}: no title")

    cutoff = dt.date(2025, 1, 1)
    tag_set = set(TAGS)
    words: list[int] = []
    slugs: set[str] = set()
    cited: set[str] = set()
    code_hashes: set[str] = set()
    code_lines: list[int] = []
    n_summary = 0
    bdir = out / "content" / "briefings"
    files = sorted([*bdir.glob("*.md"), *bdir.glob("*/index.md")])
    figures = 0
    for path in files:
        rel = path.relative_to(out)
        text = path.read_text(encoding="utf-8")
        if path.name == "index.md":
            images = [p for p in path.parent.iterdir() if p.name != "index.md"]
            if len(images) != 1 or images[0].name not in text:
                err(f"{rel}: a folder briefing shows the one image beside it, not {images}")
            figures += 1
            # Checked as the briefing it was made from.
            text = re.sub(r"\n\n(!\[[^\n]*|```figure\n.*?\n```)(?=\n\n)", "", text, count=1, flags=re.S)
            path = path.parent.with_suffix(".md")
        try:
            fm, body = split_front_matter(rel, text)
        except (ValueError, tomllib.TOMLDecodeError) as e:
            err(f"{rel}: front matter: {e}")
            continue
        m = NAME_RE.match(path.name)
        if not m:
            err(f"{rel}: bad file name")
            continue
        slug = m.group(2)
        if slug in slugs:
            err(f"{rel}: duplicate slug {slug}")
        slugs.add(slug)
        if set(fm) - ALLOWED_FM:
            err(f"{rel}: unknown keys {set(fm) - ALLOWED_FM}")
        if not isinstance(fm.get("title"), str) or not fm["title"]:
            err(f"{rel}: title")
        d = fm.get("date")
        if isinstance(d, dt.datetime):
            if d.tzinfo is None:
                err(f"{rel}: datetime without offset")
            day = d.date()
        elif isinstance(d, dt.date):
            day = d
        else:
            err(f"{rel}: date missing or not a TOML date")
            continue
        if day >= cutoff:
            err(f"{rel}: date {day} not before {cutoff}")
        if day.isoformat() != m.group(1):
            err(f"{rel}: file name date {m.group(1)} != front matter {day}")
        if "summary" in fm:
            n_summary += 1
            if not isinstance(fm["summary"], str):
                err(f"{rel}: summary")
        tags = fm.get("tags")
        if not isinstance(tags, list) or not 2 <= len(tags) <= 5 or len(set(tags)) != len(tags) or not set(tags) <= tag_set:
            err(f"{rel}: tags {tags!r}")

        fences = FENCE_RE.findall(body)
        if len(fences) != 1 or fences[0][0] != "rust":
            err(f"{rel}: expected exactly one ```rust block, got {[f[0] for f in fences]}")
        else:
            code = fences[0][1]
            nlines = code.count("\n")
            code_lines.append(nlines)
            if not 15 <= nlines <= 30:
                err(f"{rel}: code block has {nlines} lines")
            if "[@" in code:
                err(f"{rel}: citation-like text inside code")
            code_hashes.add(hashlib.blake2b(code.encode(), digest_size=16).hexdigest())
        prose = FENCE_RE.sub("", body)
        nw = count_words(prose)
        words.append(nw)
        if not 700 <= nw <= 900:
            err(f"{rel}: {nw} words (want ~800)")
        heads = re.findall(r"^#{2,3} \S", prose, re.M)
        if not 3 <= len(heads) <= 5:
            err(f"{rel}: {len(heads)} headings")
        trows = [ln for ln in prose.splitlines() if ln.startswith("|")]
        if not 6 <= len(trows) <= 8:  # header + separator + 4..6
            err(f"{rel}: table has {len(trows) - 2} body rows")
        if not re.search(r"^[-*] \S", prose, re.M):
            err(f"{rel}: no bullet list")
        refs, defs = FN_REF_RE.findall(prose), FN_DEF_RE.findall(prose)
        if sorted(set(refs)) != sorted(defs) or not 2 <= len(defs) <= 3 or len(refs) != len(defs):
            err(f"{rel}: footnotes refs={refs} defs={defs}")
        groups = CITE_RE.findall(prose)
        if not 2 <= len(groups) <= 4:
            err(f"{rel}: {len(groups)} citations")
        for g in groups:
            for cid in CITE_ID_RE.findall(g):
                if cid not in sources:
                    err(f"{rel}: unknown source id {cid!r}")
                cited.add(cid)
        if not re.search(r"(?<![*\w])\*[^*\s][^*]*\*(?!\*)", prose):
            err(f"{rel}: no *emphasis*")
        if "**" not in prose:
            err(f"{rel}: no **strong**")
        if not re.search(r"(?<!`)`[^`\n]+`(?!`)", prose):
            err(f"{rel}: no `inline code`")
        if not re.search(r"\]\(https://example\.com/", prose):
            err(f"{rel}: no link to example.com")

    n = len(files)
    if n:
        if len(code_hashes) != n:
            err(f"code blocks not unique: {len(code_hashes)} distinct of {n}")
        uncited = set(sources) - cited
        if uncited and n * 2 >= len(sources):
            err(f"{len(uncited)} sources never cited: {sorted(uncited)[:5]}")
        frac = n_summary / n
        if n >= 40 and not 0.35 <= frac <= 0.65:
            err(f"summary fraction {frac:.2f}, want ~0.5")

    want_figures = sum(has_figure(i) for i in range(n))
    if figures != want_figures:
        err(f"{figures} folder briefings with a figure, expected {want_figures}")

    dt_s = time.perf_counter() - t0
    print(f"check: {n} briefings ({figures} with a figure), {len(sources)} sources, {len(cited)} cited, "
          f"{n_summary} with summary, {len(code_hashes)} distinct code blocks ({dt_s:.2f}s)")
    if words:
        print(f"check: prose words min/median/max = {min(words)}/{statistics.median(words):.0f}/{max(words)}; "
              f"code lines min/max = {min(code_lines, default=0)}/{max(code_lines, default=0)}")
    if errors:
        print(f"check: FAILED with {len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("check: OK")
    return 0


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--briefings", type=int, help="number of briefings to generate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (output is identical for any value)")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR's generated files if it exists")
    ap.add_argument("--check", action="store_true", help="validate the site (after generating, if --briefings)")
    a = ap.parse_args(argv)

    if a.briefings is None and not a.check:
        ap.error("--briefings N is required (or --check to validate an existing site)")
    if a.briefings is not None:
        if a.briefings < 0:
            ap.error("--briefings must be >= 0")
        out: Path = a.out_dir
        if out.exists() and any(out.iterdir()):
            if not a.force:
                print(f"error: {out} exists and is not empty (use --force to replace it)", file=sys.stderr)
                return 2
            for p in ("site.toml",):
                (out / p).unlink(missing_ok=True)
            shutil.rmtree(out / "content", ignore_errors=True)
        t0 = time.perf_counter()
        generate(out, a.briefings, a.seed, a.jobs)
        print(f"generated {a.briefings} briefings (seed {a.seed}) in {out} "
              f"in {time.perf_counter() - t0:.2f}s")
    if a.check:
        return check(a.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
