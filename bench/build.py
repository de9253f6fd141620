#!/usr/bin/env python3
"""Benchmark `brief build` on generated sites.

    python3 bench/build.py [--sizes 1000,10000] [--runs 5] [--brief target/release/brief]
                           [--modes search,no-search[,search-cold,no-search-cold,zola,zola-unpaged,zola+pagefind]]
                           [--seed 1] [--keep] [--regen]
                           [--output-dir DIR] [--json FILE] [--enforce] [--cold-images]

For each size: generate a site with bench/gen_site.py (cached under
bench/.sites/, regenerated when gen_site.py changes), run one warm-up build
per mode, then `--runs` timed builds per mode, the modes taking turns, of

    BRIEF build --root SITE --output SITE/public [--no-search]

The default mode `search` is the default build, with the search index;
`no-search` passes --no-search.  Both are builds after an earlier one, as
a writer's are: code blocks highlighted by the last build are taken from
SITE/.brief-cache/highlight (the warm-up fills it).  `search-cold` and
`no-search-cold` delete that file before each run (outside the timing), so
every block is highlighted, as in a first build or a fresh checkout.  For the paired run against Zola, fetch it
once with `python3 bench/zola.py fetch` and add the modes `zola` (Zola 0.21
building the same corpus with tag pages of 10, as brief's; see
bench/zola.py), `zola-unpaged` (the same with one page per tag, Zola's
fastest form of the site) and `zola+pagefind` (Zola, then Pagefind indexing
its output; the two timed as one run):

    python3 bench/build.py --modes search,no-search,zola,zola-unpaged,zola+pagefind

The table is followed by the ratios of each run to the brief run it took
turns with (zola / no-search, zola-unpaged / no-search, zola+pagefind /
search, zola / search).

Each run starts from a fresh output directory: the previous one is renamed
into a trash folder and only deleted after all timings (deleting ~10k
directories right before a run slowed the next run several-fold on an ext4
volume mounted with `discard`), then sync(2) runs, all outside the timing.  --output-dir puts the output elsewhere, e.g. on
a tmpfs (/dev/shm/brief-bench) to keep a slow or throttled disk out of it.
The generated sites have forty folder briefings with an image each (see
gen_site.py); their resized copies are kept in SITE/.brief-cache/images/,
so the warm-up fills it and the timed runs take every copy from it.
--cold-images deletes it before each run (outside the timing): every image
is resized.
Wall time is time.perf_counter() around spawn..reap; peak RSS is the child's
own ru_maxrss from os.wait4() (KiB on Linux), not the cumulative
RUSAGE_CHILDREN.  Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SITES = BENCH / ".sites"
GEN = BENCH / "gen_site.py"

import zola  # noqa: E402  (bench/zola.py: Zola 0.21 and Pagefind for the paired run)

# The targets on a 2-core machine, by (size, mode): (median s, peak MiB or
# None). Issue 18: the default build, with search, 10,000 briefings in
# <= 6 s and <= 400 MiB, 1,000 in <= 0.8 s; without search, the earlier
# target.
TARGETS = {
    (10_000, "search"): (6.0, 400.0),
    (1_000, "search"): (0.8, None),
    (10_000, "no-search"): (4.6, 300.0),
    (10_000, "search-cold"): (6.0, 400.0),
    (1_000, "search-cold"): (0.8, None),
    (10_000, "no-search-cold"): (4.6, 300.0),
}
MODES = ("search", "no-search", "search-cold", "no-search-cold", "zola", "zola-unpaged", "zola+pagefind")
# Paired ratios printed after the table: (slower mode, brief mode).  Issue 18
# wants brief without search >= 4x faster than Zola 0.21 in the same run, and
# the default build >= 6x faster than Zola followed by Pagefind.
RATIOS = (("zola", "no-search"), ("zola-unpaged", "no-search"), ("zola+pagefind", "search"),
          ("zola", "search"), ("zola-unpaged", "no-search-cold"), ("zola+pagefind", "search-cold"),
          ("zola-unpaged", "search-cold"))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_sizes(s: str) -> list[int]:
    try:
        sizes = [int(x.strip().lower().replace("k", "000")) for x in s.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad --sizes {s!r}: want e.g. 1000,10000")
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError("--sizes must be positive integers")
    return sizes


def find_brief(arg: str | None) -> Path:
    p = Path(arg) if arg else REPO / "target" / "release" / "brief"
    if not p.is_absolute() and not p.exists() and (REPO / p).exists():
        p = REPO / p
    return p.resolve()


# --------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------


def generator_hash() -> str:
    return hashlib.sha256(GEN.read_bytes()).hexdigest()


def ensure_site(size: int, seed: int, regen: bool) -> tuple[Path, float | None]:
    """Return (site dir, generation seconds or None when reused)."""
    site = SITES / f"briefings-{size}-seed-{seed}"
    stamp = SITES / f"briefings-{size}-seed-{seed}.stamp"
    want = generator_hash()
    if not regen and site.is_dir() and stamp.is_file() and stamp.read_text().strip() == want:
        return site, None
    SITES.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    shutil.rmtree(site, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"briefings-{size}-", dir=SITES))
    log(f"generating {size} briefings (seed {seed}) ...")
    t0 = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, str(GEN), str(tmp), "--briefings", str(size), "--seed", str(seed), "--force"],
            check=True, stdout=subprocess.DEVNULL,
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    took = time.perf_counter() - t0
    tmp.rename(site)
    stamp.write_text(want + "\n")
    return site, took


def ensure_zola_site(site: Path, paged_tags: bool) -> Path:
    """The Zola site of a generated site (bench/zola.py), cached beside it."""
    zsite = site.with_name(site.name + (".zola" if paged_tags else ".zola-unpaged"))
    stamp = zsite.with_name(zsite.name + ".stamp")
    want = hashlib.sha256(GEN.read_bytes() + Path(zola.__file__).read_bytes()).hexdigest()
    if not (zsite.is_dir() and stamp.is_file() and stamp.read_text().strip() == want):
        stamp.unlink(missing_ok=True)
        log(f"making the Zola site {zsite.relative_to(REPO)} ...")
        zola.make_site(site, zsite, paged_tags)
        stamp.write_text(want + "\n")
    return zsite


# --------------------------------------------------------------------------
# One measured run
# --------------------------------------------------------------------------


class BuildFailed(Exception):
    pass


class Trash:
    """Old outputs are renamed here (cheap) and deleted in one go at the end."""

    def __init__(self, where: Path) -> None:
        self.dir = where
        self.n = 0

    def discard(self, path: Path) -> None:
        if not path.exists():
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        while (self.dir / str(self.n)).exists():
            self.n += 1
        path.rename(self.dir / str(self.n))

    def empty(self) -> None:
        if self.dir.exists():
            t0 = time.perf_counter()
            log(f"removing old build outputs in {self.dir} ...")
            shutil.rmtree(self.dir, ignore_errors=True)
            log(f"removed in {time.perf_counter() - t0:.1f}s")


def run_once(steps: list[list[str]], output: Path, trash: Trash) -> tuple[float, int, str, float]:
    """Run a build into a fresh `output`: `steps` are commands run one after the other
    (Zola, then Pagefind).  Return (wall seconds, peak RSS KiB, stderr, CPU seconds):
    wall and CPU summed over the steps, the peak the largest of theirs."""
    trash.discard(output)
    os.sync()  # don't let the previous run's writeback land in this one
    wall = cpu = 0.0
    peak, stderr = 0, ""
    for argv in steps:
        w, kib, err, c = run_step(argv)
        wall, cpu, peak, stderr = wall + w, cpu + c, max(peak, kib), stderr + err
    return wall, peak, stderr, cpu


def run_step(argv: list[str]) -> tuple[float, int, str, float]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:  # e.g. Ctrl-C: don't leave the build running
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # already reaped
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        if code != 0:
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            msg = [f"`{' '.join(argv)}` failed ({how}) after {wall:.2f}s"]
            if stdout.strip():
                msg += ["--- stdout (tail) ---", tail(stdout, 40)]
            msg += ["--- stderr ---", tail(stderr, 400) if stderr.strip() else "(empty)"]
            raise BuildFailed("\n".join(msg))
        # ru_maxrss is in KiB on Linux; CPU is user + system time.
        return wall, ru.ru_maxrss, stderr, ru.ru_utime + ru.ru_stime


def tail(text: str, lines: int) -> str:
    ls = text.rstrip("\n").splitlines()
    if len(ls) <= lines:
        return "\n".join(ls)
    return f"[... {len(ls) - lines} lines omitted ...]\n" + "\n".join(ls[-lines:])


def output_stats(output: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, names in os.walk(output):
        for n in names:
            try:
                size += os.lstat(os.path.join(dirpath, n)).st_size
                files += 1
            except FileNotFoundError:
                pass
    return files, size


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def human_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def target_verdict(r: dict) -> str:
    target = TARGETS.get((r["size"], r["mode"]))
    if target is None:
        return "-"
    max_s, max_mib = target
    ok_t = r["median_wall_s"] <= max_s
    ok_m = max_mib is None or r["median_peak_mib"] <= max_mib
    if ok_t and ok_m:
        return "PASS"
    bad = ([f"time>{max_s}s"] if not ok_t else []) + ([f"rss>{max_mib:.0f}MiB"] if not ok_m else [])
    return "FAIL " + ",".join(bad)


def print_table(results: list[dict]) -> None:
    head = ["size", "mode", "median s", "min s", "max s", "median peak MiB", "median CPU s", "files", "output", "target"]
    rows = [[
        f"{r['size']:,}",
        r["mode"],
        f"{r['median_wall_s']:.3f}",
        f"{r['min_wall_s']:.3f}",
        f"{r['max_wall_s']:.3f}",
        f"{r['median_peak_mib']:.1f}",
        f"{r['median_cpu_s']:.2f}",
        f"{r['output_files']:,}",
        human_bytes(r["output_bytes"]),
        target_verdict(r),
    ] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    left = {0: False, 1: True, 9: True}

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if left.get(i) else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def print_ratios(results: list[dict]) -> None:
    """Paired ratios: run k of one mode against run k of the other, which took turns with it."""
    by = {(r["size"], r["mode"]): r for r in results}
    lines = []
    for size in dict.fromkeys(r["size"] for r in results):
        for slow, fast in RATIOS:
            if (size, slow) in by and (size, fast) in by:
                a, b = by[(size, slow)], by[(size, fast)]
                paired = [x["wall_s"] / y["wall_s"] for x, y in zip(a["runs"], b["runs"])]
                mem = a["median_peak_mib"] / b["median_peak_mib"]
                lines.append(f"  {size:,}: {slow} / {fast}: median of paired ratios {statistics.median(paired):.2f}x "
                             f"(range {min(paired):.2f}-{max(paired):.2f}), ratio of medians "
                             f"{a['median_wall_s'] / b['median_wall_s']:.2f}x; peak memory {mem:.1f}x")
    if lines:
        print("\nwall-time ratios, same run:")
        print("\n".join(lines))


def machine_info() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus_online": os.cpu_count(),
    }
    try:
        info["cpus_available"] = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        info["cpus_available"] = os.cpu_count()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mem_total_mib"] = round(int(line.split()[1]) / 1024)
                break
    except OSError:
        pass
    return info


def git_rev() -> str | None:
    try:
        r = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        return r.stdout.strip() if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def summarize(size: int, mode: str, seed: int, runs: list[dict], warm: dict,
              stats: tuple[int, int], site: Path, output: Path) -> dict:
    walls = [r["wall_s"] for r in runs]
    if max(walls) > 1.5 * min(walls):
        log(f"[{size}] {mode}: note: wide spread (max/min = {max(walls) / min(walls):.1f}); "
            "if the disk is noisy, try --output-dir /dev/shm/brief-bench")
    return {
        "size": size,
        "mode": mode,
        "seed": seed,
        "runs": runs,
        "warmup": warm,
        "median_wall_s": statistics.median(walls),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "median_peak_mib": statistics.median(r["peak_rss_kib"] for r in runs) / 1024,
        "max_peak_mib": max(r["peak_rss_kib"] for r in runs) / 1024,
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "output_files": stats[0],
        "output_bytes": stats[1],
        "site": str(site),
        "output": str(output),
    }


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=parse_sizes, default=[1000, 10000],
                    help="comma-separated briefing counts (default 1000,10000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per size, after one warm-up (default 5)")
    ap.add_argument("--brief", help="path to the brief binary (default target/release/brief)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--keep", action="store_true",
                    help="keep SITE/public from the last run (default: remove it; the generated site is always cached)")
    ap.add_argument("--output-dir", type=Path, metavar="DIR",
                    help="write the build output to DIR/briefings-SIZE instead of SITE/public "
                         "(e.g. a tmpfs such as /dev/shm/brief-bench, to take the disk out)")
    ap.add_argument("--regen", action="store_true", help="regenerate the sites even if cached")
    ap.add_argument("--modes", default="search,no-search",
                    help="comma-separated: search (the default build), no-search (--no-search), "
                         "zola, zola-unpaged, zola+pagefind (see bench/zola.py); default search,no-search")
    ap.add_argument("--no-search", action="store_true",
                    help="the same as --modes no-search")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--cold-images", action="store_true",
                    help="delete SITE/.brief-cache/images before every run (outside the timing): resize every image")
    ap.add_argument("--enforce", action="store_true",
                    help="exit 1 if a target (see TARGETS) is measured and missed")
    a = ap.parse_args(argv)
    if a.runs < 1:
        ap.error("--runs must be >= 1")
    modes = ["no-search"] if a.no_search else [m.strip() for m in a.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        ap.error(f"--modes must be from {', '.join(MODES)}")

    brief = find_brief(a.brief)
    if not (brief.is_file() and os.access(brief, os.X_OK)):
        print(f"error: brief binary not found (or not executable): {brief}\n"
              f"build it first, from {REPO}:\n\n"
              f"    cargo build --release --locked\n\n"
              f"or point --brief at a binary.", file=sys.stderr)
        return 2

    missing = [t for t in ("zola", "pagefind") if any(m.startswith(t) or t in m for m in modes)
               and not (zola.TOOLS / t).exists()]
    if missing:
        print(f"error: {' and '.join(missing)} not found in {zola.TOOLS}; fetch them first:\n\n"
              f"    python3 bench/zola.py fetch", file=sys.stderr)
        return 2

    info = machine_info()
    log(f"brief: {brief}")
    log(f"machine: {info.get('cpu_model', '?')}, {info['cpus_available']} CPU(s) available, "
        f"{info.get('mem_total_mib', '?')} MiB RAM (targets assume 2 cores)")

    trash = Trash((a.output_dir.resolve() if a.output_dir else SITES) / ".trash")
    trash.empty()  # leftovers of an interrupted run, before any timing
    results = []
    for size in a.sizes:
        site, gen_s = ensure_site(size, a.seed, a.regen)
        if gen_s is None:
            log(f"[{size}] reusing {site.relative_to(REPO)}")
        else:
            log(f"[{size}] generated {site.relative_to(REPO)} in {gen_s:.1f}s")
        output = (a.output_dir.resolve() / f"briefings-{size}") if a.output_dir else site / "public"
        cmds = {}
        for mode in modes:
            if mode.startswith("zola"):
                zsite = ensure_zola_site(site, paged_tags=mode != "zola-unpaged")
                cmds[mode] = [[str(zola.TOOLS / "zola"), "--root", str(zsite), "build", "--output-dir", str(output)]]
                if mode == "zola+pagefind":
                    cmds[mode].append([str(zola.TOOLS / "pagefind"), "--site", str(output)])
                continue
            cmds[mode] = [[str(brief), "build", "--root", str(site), "--output", str(output)]]
            if mode.startswith("no-search"):
                cmds[mode][0].append("--no-search")
        warm, stats, runs = {}, {}, {mode: [] for mode in modes}
        try:
            for mode in modes:
                warm_s, warm_kib, warm_err, _ = run_once(cmds[mode], output, trash)
                log(f"[{size}] {mode} warm-up: {warm_s:.3f}s, {warm_kib / 1024:.1f} MiB")
                if warm_err.strip():
                    log(f"[{size}] note: {mode} wrote to stderr on the warm-up:\n{tail(warm_err, 15)}")
                warm[mode] = {"wall_s": warm_s, "peak_rss_kib": warm_kib}
                stats[mode] = output_stats(output)
                if stats[mode][0] == 0:
                    log(f"[{size}] warning: the build wrote no files to {output}")
            # The modes take turns, so a machine that gets busier or quieter
            # during the benchmark weighs on each alike.
            for k in range(1, a.runs + 1):
                for mode in modes:
                    if a.cold_images:
                        shutil.rmtree(site / ".brief-cache" / "images", ignore_errors=True)
                    if mode.endswith("-cold"):
                        (site / ".brief-cache" / "highlight").unlink(missing_ok=True)
                    wall, kib, _, cpu = run_once(cmds[mode], output, trash)
                    runs[mode].append({"wall_s": wall, "peak_rss_kib": kib, "cpu_s": cpu})
                    log(f"[{size}] {mode} run {k}/{a.runs}: {wall:.3f}s, {kib / 1024:.1f} MiB, {cpu:.2f} CPU s")
        except BuildFailed as e:
            print(f"error: [{size} briefings] {e}", file=sys.stderr)
            trash.empty()
            return 1
        if not a.keep:
            trash.discard(output)
        for mode in modes:
            results.append(summarize(size, mode, a.seed, runs[mode], warm[mode], stats[mode], site, output))


    print()
    print_table(results)
    print_ratios(results)
    missed = [r for r in results if target_verdict(r).startswith("FAIL")]
    if any((r["size"], r["mode"]) in TARGETS for r in results):
        print("\ntargets (2-core machine; this one has "
              f"{info['cpus_available']} CPU(s) available, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}):")
        for (size, mode), (max_s, max_mib) in TARGETS.items():
            mem = f" and peak <= {max_mib:.0f} MiB" if max_mib else ""
            print(f"  {size:,} briefings, {mode}: median <= {max_s} s{mem}")

    if a.json:
        doc = {
            "benchmark": "brief build",
            "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "brief": str(brief),
            "git_rev": git_rev(),
            "machine": info,
            "targets": [{"size": size, "mode": mode, "median_wall_s": t, "peak_rss_mib": m}
                        for (size, mode), (t, m) in TARGETS.items()],
            "results": results,
        }
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(doc, indent=2) + "\n")
        log(f"wrote {a.json}")

    trash.empty()
    return 1 if (a.enforce and missed) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
