#!/usr/bin/env python3
"""Helpers for bench/run.sh (standard library only).

  benchlib.py run    ...  -- <regbench args>   run regbench once, append one JSON record to a JSONL file
  benchlib.py report ...                       turn the JSONL file into the markdown report

`run` also measures the CPU time of Wharf's other processes (PostgreSQL backends of the
benchmark database, the Kafka/PostgreSQL launcher, notifier, deployer) over regbench's timed
phase: regbench starts its meter right after it logs its last setup line ("digests of …" for
the push scenarios, "setup: …" for the others), so the snapshot is taken when that line arrives.
"""

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ---------------------------------------------------------------- /proc

def proc_cpu(pid):
    """utime+stime of a process (all threads) in seconds, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rfind(")") + 2:].split()
    try:
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (IndexError, ValueError):
        return None


def children_of(ppid):
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(ppid):
            out.append(int(name))
    return out


class Support:
    """Wharf's processes other than the registry: fixed PIDs plus PostgreSQL backends."""

    def __init__(self, fixed, pg_db, pg_postmaster):
        self.fixed = fixed  # {name: pid}
        self.pg_db = pg_db
        self.pg_postmaster = pg_postmaster
        self.pg_note = None

    def pg_pids(self):
        if self.pg_postmaster:
            # Embedded PostgreSQL (in the benchmark's data directory): every child of the postmaster.
            return children_of(self.pg_postmaster) + [self.pg_postmaster]
        if not self.pg_db:
            return []
        env = dict(os.environ)
        if os.environ.get("WHARF_PG_PASSWORD"):
            env["PGPASSWORD"] = os.environ["WHARF_PG_PASSWORD"]
        cmd = ["psql", "-X", "-qAt", "-h", os.environ.get("WHARF_PG_HOST", "127.0.0.1"),
               "-p", os.environ.get("WHARF_PG_PORT", "5432"), "-U", os.environ.get("WHARF_PG_USER", "postgres"),
               "-d", "postgres", "-c",
               "SELECT pid FROM pg_stat_activity WHERE datname = '%s'" % self.pg_db.replace("'", "")]
        try:
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.pg_note = f"PostgreSQL backends not measured: {e}"
            return []
        if out.returncode != 0:
            self.pg_note = "PostgreSQL backends not measured: " + (out.stderr.strip() or "psql failed")
            return []
        return [int(x) for x in out.stdout.split() if x.strip().isdigit()]

    def snapshot(self, pg):
        snap = {}
        for name, pid in self.fixed.items():
            snap[name] = {pid: proc_cpu(pid)}
        snap["postgres"] = {pid: proc_cpu(pid) for pid in pg}
        return snap

    @staticmethod
    def delta(before, after):
        out = {}
        for name, pids in after.items():
            total = 0.0
            for pid, cpu in pids.items():
                if cpu is None:
                    continue
                b = before.get(name, {}).get(pid)
                # A backend that appeared during the run counts from zero.
                total += cpu - (b if b is not None else 0.0)
            out[name] = round(total, 2)
        return out


# ---------------------------------------------------------------- run

def cmd_run(a, rest):
    fixed = {}
    for s in a.support or []:
        name, _, pid = s.partition("=")
        if pid.isdigit():
            fixed[name] = int(pid)
    support = Support(fixed, a.pg_db, a.pg_postmaster) if (fixed or a.pg_db or a.pg_postmaster) else None
    pg_before = support.pg_pids() if support else []

    marks = {"start": None}
    lines = []
    prefix = a.log_prefix

    # Ctrl-C reaches regbench too (same process group); it stops and exits 1. This process must then die
    # of SIGINT itself, or bash (run.sh) takes the SIGINT as handled and goes on with the next pass.
    interrupted = []
    signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    proc = subprocess.Popen([a.regbench] + rest, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def read_err():
        for line in proc.stderr:
            line = line.rstrip("\n")
            lines.append(line)
            if support and (line.startswith("regbench: digests of") or line.startswith("regbench: setup:")):
                marks["start"] = support.snapshot(pg_before)
            sys.stderr.write(prefix + line + "\n")
            sys.stderr.flush()

    t = threading.Thread(target=read_err, daemon=True)
    t.start()
    stdout = proc.stdout.read()
    rc = proc.wait()
    t.join()

    rec = {
        "target": a.target, "id": a.id, "run": a.run, "warmup": a.warmup, "rc": rc,
        "args": rest, "time": datetime.datetime.now().isoformat(timespec="seconds"),
    }
    if support:
        after = support.snapshot(sorted(set(pg_before) | set(support.pg_pids())))
        if marks["start"] is not None:
            rec["support_cpu"] = Support.delta(marks["start"], after)
        if support.pg_note:
            rec["support_note"] = support.pg_note
    if rc == 0:
        try:
            rec["result"] = json.loads(stdout)
        except ValueError as e:
            rec["rc"] = -1
            rec["error"] = f"regbench printed no JSON: {e}"
    else:
        failed = [l for l in lines if "FAILED" in l] or lines[-3:]
        rec["error"] = " / ".join(x.replace("regbench: ", "") for x in failed)[:600]
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    with open(a.jsonl, "a") as f:
        f.write(json.dumps(rec) + "\n")
    return 0 if rc == 0 else 1


# ---------------------------------------------------------------- report

SCENARIO_ORDER = ["push-1m", "push-256m", "push-chunked", "pull-blobs", "manifests", "tags-list", "mixed"]
TARGET_NAMES = {"distribution": "Distribution 2.8.2", "wharf": "Wharf", "nginx": "nginx ceiling"}
BYTE_SCENARIOS = {"push-blobs", "push-chunked", "pull-blobs"}


def fmt(v, unit=""):
    if v is None:
        return "—"
    a = abs(v)
    if a >= 100:
        s = f"{v:.0f}"
    elif a >= 10:
        s = f"{v:.1f}"
    elif a >= 1:
        s = f"{v:.2f}"
    elif a == 0:
        s = "0"
    else:
        s = f"{v:.3g}"
    return s + unit


def fmt_ms(p50, p99):
    if p50 is None:
        return "—"
    if p50 >= 1000:
        return f"{fmt(p50 / 1000)} / {fmt(p99 / 1000)} s"
    return f"{fmt(p50)} / {fmt(p99)} ms"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def size_str(b):
    for unit, m in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= m and b % m == 0:
            return f"{b // m}{unit}"
    return f"{b}B"


def label(r):
    s = r["scenario"]
    out = f"{s} c={r['concurrency']}"
    if s == "tags-list":
        out += f" T={r['n']}"
    else:
        out += f" n={r['n']}"
    if s in ("push-blobs", "push-chunked", "pull-blobs", "mixed"):
        out += " " + size_str(r["size_bytes"])
    if s == "push-chunked":
        out += " chunk=" + size_str(r.get("chunk_bytes", 0))
    if r.get("duration_target_s"):
        out += f" {r['duration_target_s']:g}s"
    return out


def main_latency_key(r):
    return {"push-blobs": "upload", "push-chunked": "upload", "pull-blobs": "get",
            "tags-list": "listing"}.get(r["scenario"], "all")


def metrics(r, support):
    """Figures of one regbench result, flat."""
    s = r["scenario"]
    srv = r.get("server") or {}
    cli = r.get("client") or {}
    host = r.get("host") or {}
    ops, reqs, nbytes = r["ops"], r["requests"], r["bytes"]
    lat = r["latency_ms"].get(main_latency_key(r)) or {}
    m = {
        "mbps": r["mb_per_s"], "ops_s": r["ops_per_s"], "req_s": r["requests_per_s"],
        "p50": lat.get("p50"), "p99": lat.get("p99"),
        "srv_cpu": srv.get("cpu_seconds"),
        "srv_gb": srv.get("cpu_seconds_per_gb") if s in BYTE_SCENARIOS else None,
        "srv_1k": srv.get("cpu_seconds_per_1k_requests"),
        "srv_1k_ops": (srv["cpu_seconds"] / ops * 1000) if srv and ops else None,
        "rss": srv.get("peak_rss_bytes"), "rss_scope": srv.get("peak_rss_scope"),
        "cli_gb": cli.get("cpu_seconds_per_gb") if s in BYTE_SCENARIOS else None,
        "cli_1k": cli.get("cpu_seconds_per_1k_requests"),
        "other": host.get("other_cpu_seconds"), "avail": host.get("cpu_seconds_available"),
        "req_per_op": reqs / ops if ops else None,
    }
    for k in ("manifest", "blob-get", "push-image"):
        if k in r["latency_ms"]:
            m[f"{k}.p50"] = r["latency_ms"][k]["p50"]
            m[f"{k}.p99"] = r["latency_ms"][k]["p99"]
    # Primary throughput and primary CPU-per-unit (what the project's targets compare).
    if s in BYTE_SCENARIOS:
        m["tput"], m["tput_unit"] = r["mb_per_s"], "MB/s"
        m["unit_cpu"], m["unit_name"] = m["srv_gb"], "CPU-s/GB"
    elif s == "tags-list":
        m["tput"], m["tput_unit"] = r["ops_per_s"], "listings/s"
        m["unit_cpu"], m["unit_name"] = m["srv_1k_ops"], "CPU-s/1k listings"
    else:
        m["tput"], m["tput_unit"] = r["requests_per_s"], "req/s"
        m["unit_cpu"], m["unit_name"] = m["srv_1k"], "CPU-s/1k req"
    if support:
        m["pg_cpu"] = support.get("postgres")
        m["support_cpu"] = round(sum(v for v in support.values() if v is not None), 2)
        for k, v in support.items():
            m[f"sup.{k}"] = v
        denom = (nbytes / 1e9) if s in BYTE_SCENARIOS else (ops / 1000 if s == "tags-list" else reqs / 1000)
        if denom and srv:
            m["unit_cpu_with_pg"] = (srv["cpu_seconds"] + (support.get("postgres") or 0)) / denom
            m["unit_cpu_all"] = (srv["cpu_seconds"] + m["support_cpu"]) / denom
    return m


def aggregate(recs):
    """Median of every figure over the runs; min/max of the primary throughput."""
    ms = [metrics(x["result"], x.get("support_cpu")) for x in recs]
    out = {}
    keys = set().union(*ms)
    for k in keys:
        vals = [m.get(k) for m in ms]
        if all(isinstance(v, (int, float)) or v is None for v in vals):
            out[k] = med(vals)
        else:
            out[k] = next((v for v in vals if v is not None), None)
    tp = [m["tput"] for m in ms]
    out["tput_min"], out["tput_max"], out["n_runs"] = min(tp), max(tp), len(ms)
    return out


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fr(x):
    return "—" if x is None else f"{x:.2f}×"


def cells(scen, m, runs):
    s = scen
    rng = f" [{fmt(m['tput_min'])}–{fmt(m['tput_max'])}]" if runs > 1 else ""
    if s in ("push-blobs", "push-chunked"):
        tp = f"**{fmt(m['mbps'])} MB/s**{rng}, {fmt(m['ops_s'])} uploads/s"
        if s == "push-chunked":
            tp += f", {fmt(m['req_s'])} req/s"
    elif s == "pull-blobs":
        tp = f"**{fmt(m['mbps'])} MB/s**{rng}, {fmt(m['ops_s'])} GET/s"
    elif s == "manifests":
        tp = f"**{fmt(m['req_s'])} req/s**{rng}"
    elif s == "tags-list":
        rpo = m.get("req_per_op")
        tp = f"**{fmt(m['ops_s'])} listings/s**{rng} ({fmt(rpo)} req each)"
    else:
        tp = f"**{fmt(m['req_s'])} req/s**{rng}, {fmt(m['ops_s'])} ops/s, {fmt(m['mbps'])} MB/s"
    lat = fmt_ms(m["p50"], m["p99"])
    if s == "mixed":
        lat = "all " + lat
        for k, name in (("manifest", "manifest"), ("blob-get", "blob GET"), ("push-image", "push image")):
            if m.get(f"{k}.p50") is not None:
                lat += f"; {name} {fmt_ms(m[k + '.p50'], m[k + '.p99'])}"
    one_k = fmt(m["srv_1k"])
    if s == "tags-list" and m.get("srv_1k_ops") is not None:
        one_k += f" ({fmt(m['srv_1k_ops'])}/1k listings)"
    rss = "—" if m.get("rss") is None else f"{fmt(m['rss'] / (1 << 20))} MiB"
    if m.get("rss_scope") and m["rss_scope"] != "timed phase":
        rss += " (lifetime)"
    cli = f"{fmt(m['cli_gb'])} s/GB" if m.get("cli_gb") is not None else f"{fmt(m['cli_1k'])} s/1k req"
    other = f"{fmt(m['other'])} of {fmt(m['avail'])}" if m.get("other") is not None else "—"
    if m.get("support_cpu") is not None:
        other += f" (Wharf's other procs {fmt(m['support_cpu'])})"
    return [tp, lat, fmt(m["srv_gb"]) if m.get("srv_gb") is not None else "—", one_k, rss, cli, other]


def cmd_report(a):
    recs = []
    with open(a.jsonl) as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    meta = {"runs": a.runs, "header": [h.split("|", 1) for h in a.header or []], "notes": a.note or []}
    measured = [r for r in recs if not r["warmup"]]
    warm = [r for r in recs if r["warmup"]]
    ids = [i for i in SCENARIO_ORDER if any(r["id"] == i for r in recs)]
    runs = meta.get("runs", 1)

    L = []
    L.append("# regbench: Wharf vs Distribution 2.8.2")
    L.append("")
    for k, v in meta.get("header", []):
        L.append(f"- **{k}**: {v}")
    L.append("")
    L.append("## Results" + (f" (median of {runs} runs; [min–max] of throughput)" if runs > 1 else " (1 run)"))
    L.append("")
    L.append("| scenario (settings) | target | throughput | p50 / p99 latency | server CPU-s/GB | server CPU-s/1k req "
             "| server peak RSS | client CPU | other procs CPU-s (of available) |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    summary = []
    failures = []
    for sid in ids:
        by_t = {}
        scen_label = None
        for tgt in ("distribution", "wharf", "nginx"):
            rs = [r for r in measured if r["id"] == sid and r["target"] == tgt]
            ok = [r for r in rs if r["rc"] == 0 and "result" in r]
            bad = [r for r in rs if not (r["rc"] == 0 and "result" in r)]
            for r in bad:
                failures.append(f"{sid} / {TARGET_NAMES[tgt]} (run {r['run']}): {r.get('error', 'failed')}")
            if ok:
                by_t[tgt] = aggregate(ok)
                scen_label = scen_label or label(ok[0]["result"])
                by_t[tgt]["_scenario"] = ok[0]["result"]["scenario"]
            elif rs:
                by_t[tgt] = None
        if not by_t:
            continue
        scen = next((m["_scenario"] for m in by_t.values() if m), None)
        first = True
        for tgt in ("distribution", "wharf", "nginx"):
            if tgt not in by_t:
                continue
            name = TARGET_NAMES[tgt]
            lab = (scen_label or sid) if first else ""
            first = False
            m = by_t[tgt]
            if m is None:
                L.append(f"| {lab} | {name} | **FAILED** (see Failures) | | | | | | |")
                continue
            c = cells(scen, m, runs)
            L.append(f"| {lab} | {name} | " + " | ".join(c) + " |")
        d, w = by_t.get("distribution"), by_t.get("wharf")
        if d and w:
            rt = ratio(w["tput"], d["tput"])
            rc = ratio(w["unit_cpu"], d["unit_cpu"])
            ok_t = "✓" if rt is not None and rt >= 1.5 else "✗"
            ok_c = "✓" if rc is not None and rc <= 0.5 else "✗"
            r_lat = f"{fr(ratio(w['p50'], d['p50']))} / {fr(ratio(w['p99'], d['p99']))}"
            r_gb = fr(ratio(w.get("srv_gb"), d.get("srv_gb"))) if scen in BYTE_SCENARIOS else "—"
            r_1k = fr(ratio(w.get("srv_1k"), d.get("srv_1k")))
            if scen == "tags-list":
                r_1k += f" ({fr(ratio(w.get('srv_1k_ops'), d.get('srv_1k_ops')))}/listing)"
            r_rss = fr(ratio(w.get("rss"), d.get("rss")))
            L.append(f"| | **Wharf / Distribution** | **{fr(rt)}** {ok_t} | {r_lat} | {r_gb} | {r_1k} | {r_rss} | | |")
            summary.append((scen_label or sid, rt, ok_t, w["unit_name"], rc, ok_c,
                            ratio(w.get("unit_cpu_with_pg"), d["unit_cpu"]),
                            ratio(w.get("unit_cpu_all"), d["unit_cpu"])))
        elif scen_label:
            summary.append((scen_label, None, "—", "", None, "—", None, None))
    L.append("")
    L.append("## Against the project's targets (Wharf / Distribution)")
    L.append("")
    L.append("Throughput: ≥1.5× is the target. Server CPU per unit: ≤0.5× is the target; the unit is "
             "GB for blob scenarios, 1k requests for manifests and mixed, 1k complete listings for tags-list "
             "(the two servers may paginate differently). *Server* is the registry process only; the last two "
             "columns add Wharf's PostgreSQL backends, and then all of Wharf's other processes "
             "(PostgreSQL backends, the Kafka/PostgreSQL launcher, notifier, deployer), over the same timed phase.")
    L.append("")
    L.append("| scenario | throughput | server CPU per unit | unit | + PostgreSQL | + all Wharf processes |")
    L.append("|---|---|---|---|---|---|")
    for lab, rt, ok_t, unit, rc, ok_c, rpg, rall in summary:
        L.append(f"| {lab} | {fr(rt)} {ok_t} | {fr(rc)} {ok_c} | {unit} | {fr(rpg)} | {fr(rall)} |")
    L.append("")

    # Wharf's other processes.
    sup_rows = []
    for sid in ids:
        rs = [r for r in measured if r["id"] == sid and r["target"] == "wharf" and r["rc"] == 0 and "result" in r]
        if not rs or not any("support_cpu" in r for r in rs):
            continue
        ag = aggregate(rs)
        names = sorted({k[4:] for k in ag if k.startswith("sup.")})
        sup_rows.append((label(rs[0]["result"]), ag, names))
    if sup_rows:
        names = sorted({n for _, _, ns in sup_rows for n in ns}, key=lambda n: (n != "postgres", n))
        L.append("## Wharf's other processes during the timed phase (CPU-s, median)")
        L.append("")
        L.append("Included in *other procs* above. `postgres` = the backends connected to the benchmark database; "
                 "`infra` = the launcher JVM that runs Kafka (and an embedded PostgreSQL's supervision).")
        L.append("")
        L.append("| scenario | registry | " + " | ".join(names) + " |")
        L.append("|---|---|" + "---|" * len(names))
        for lab, ag, _ in sup_rows:
            L.append(f"| {lab} | {fmt(ag.get('srv_cpu'))} | " + " | ".join(fmt(ag.get('sup.' + n)) for n in names) + " |")
        L.append("")

    # Warm-up passes.
    if warm:
        L.append("## Wharf warm-up passes (untimed for the results; shown for the JIT effect)")
        L.append("")
        L.append("Passes repeat, with new content, until the JIT compiler threads use less than the harness's "
                 "threshold of the registry's CPU in a pass (or a maximum number of passes is reached).")
        L.append("")
        L.append("| scenario | run | pass | settings | throughput | p50 / p99 | server CPU-s/GB | server CPU-s/1k req | JIT share of server CPU |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        jit = {}
        if a.jit_passes and os.path.exists(a.jit_passes):
            with open(a.jit_passes) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) == 4:
                        jit[(parts[0], int(parts[1]), int(parts[2]))] = parts[3]
        passes = {}
        for r in warm:
            k = (r["id"], r["run"])
            passes[k] = passes.get(k, 0) + 1
            share = jit.get((r["id"], r["run"], passes[k]))
            share = f"{share} %" if share is not None else "—"
            if r["rc"] == 0 and "result" in r:
                m = metrics(r["result"], None)
                L.append(f"| {r['id']} | {r['run']} | {passes[k]} | {label(r['result'])} | {fmt(m['tput'])} {m['tput_unit']} "
                         f"| {fmt_ms(m['p50'], m['p99'])} | {fmt(m['srv_gb'])} | {fmt(m['srv_1k'])} | {share} |")
            else:
                L.append(f"| {r['id']} | {r['run']} | {passes[k]} | | **FAILED**: {r.get('error', '')} | | | | |")
        L.append("")

    # Notes.
    notes = {}
    for r in recs:
        if "result" in r:
            for n in r["result"].get("notes") or []:
                key = (r["id"], TARGET_NAMES[r["target"]] + (" warm-up" if r["warmup"] else ""), n)
                notes[key] = notes.get(key, 0) + 1
        if r.get("support_note"):
            key = (r["id"], TARGET_NAMES[r["target"]], r["support_note"])
            notes[key] = notes.get(key, 0) + 1
    for n in meta.get("notes", []):
        notes[("", "harness", n)] = 1
    if a.wharf_log_lines and os.path.exists(a.wharf_log_lines):
        # "id<TAB>LEVEL [logger] message" lines from Wharf's registry log (startup included).
        seen = {}
        with open(a.wharf_log_lines) as f:
            for line in f:
                sid, _, msg = line.rstrip("\n").partition("\t")
                if msg:
                    e = seen.setdefault(" ".join(msg.split()), [0, []])
                    e[0] += 1
                    if sid not in e[1]:
                        e[1].append(sid)
        for msg, (cnt, sids) in sorted(seen.items(), key=lambda kv: -kv[1][0])[:20]:
            notes[("", "Wharf registry log", f"`{msg}` — {cnt}× (in {', '.join(sids)}; warm-up and start-up included)")] = 1
    if notes:
        L.append("## Notes")
        L.append("")
        for (sid, tgt, n), cnt in notes.items():
            where = f"{sid} / {tgt}: " if sid else f"{tgt}: "
            L.append(f"- {where}{n}" + (f" (×{cnt})" if cnt > 1 else ""))
        L.append("")
    for r in warm:
        if r["rc"] != 0:
            failures.append(f"{r['id']} / Wharf warm-up (run {r['run']}): {r.get('error', 'failed')}")
    if failures:
        L.append("## Failures")
        L.append("")
        for x in failures:
            L.append(f"- {x}")
        L.append("")

    text = "\n".join(L)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 1 if failures and a.fail_on_error else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--regbench", required=True)
    r.add_argument("--jsonl", required=True)
    r.add_argument("--target", required=True, choices=sorted(TARGET_NAMES))
    r.add_argument("--id", required=True)
    r.add_argument("--run", type=int, default=1)
    r.add_argument("--warmup", action="store_true")
    r.add_argument("--support", action="append", help="name=pid of a process whose CPU to add up")
    r.add_argument("--pg-db", help="measure the PostgreSQL backends connected to this database (psql)")
    r.add_argument("--pg-postmaster", type=int, help="measure this embedded postmaster and its children")
    r.add_argument("--log-prefix", default="    ")
    q = sub.add_parser("report")
    q.add_argument("--jsonl", required=True)
    q.add_argument("--out")
    q.add_argument("--runs", type=int, default=1)
    q.add_argument("--header", action="append", help="'Key|value' line for the top of the report")
    q.add_argument("--note", action="append", help="a note from the harness")
    q.add_argument("--wharf-log-lines", help="file of 'id<TAB>WARN/ERROR line' from Wharf's registry logs")
    q.add_argument("--jit-passes", help="file of 'id<TAB>run<TAB>pass<TAB>JIT percent' for Wharf's warm-up passes")
    q.add_argument("--fail-on-error", action="store_true")
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1:]
    a = p.parse_args(argv)
    if a.cmd == "run":
        sys.exit(cmd_run(a, rest))
    sys.exit(cmd_report(a))


if __name__ == "__main__":
    main()
