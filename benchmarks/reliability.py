"""Run the reliability tests and write their figures into RELIABILITY.md.

    python benchmarks/reliability.py                 # hostile SQL, fuzzing, load (30 s), bad data, config mistakes
    python benchmarks/reliability.py --slow          # and the crash-recovery and resume runs (tiny model, minutes)

The tests record what they tried (tests/reliability_figures.py); only a passing run writes
figures. The section of RELIABILITY.md between the `figures` markers is replaced; the
rest of the page is prose and stays as written. Exits 1 when a test fails.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from reliability_figures import summarize  # noqa: E402

FAST = ["tests/test_reliability_hostile.py", "tests/test_reliability_fuzz.py", "tests/test_reliability_load.py",
        "tests/test_reliability_data.py", "tests/test_reliability_config.py"]
SLOW = ["tests/test_reliability_crash.py", "tests/test_reliability_resume.py"]
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def run_tests(files: list[str], slow: bool, load_s: float, figures: Path) -> tuple[int, str]:
    env = {**os.environ, "SQLRL_RELIABILITY_FIGURES": str(figures), "SQLRL_RELIABILITY_LOAD_S": str(load_s)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-rxs", "-p", "no:cacheprovider", "-m",
           "slow or not slow" if slow else "not slow", *files]
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    sys.stdout.write(proc.stdout[-4000:])
    sys.stderr.write(proc.stderr[-2000:])
    summary = next((line.strip("= ") for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ passed", line)),
                   "no summary")
    return proc.returncode, summary


def render(fig: dict, summary: str, command: str) -> str:
    h, b, fz = fig.get("hostile", {}), fig.get("hostile_batch", {}), fig.get("fuzz", {})
    ld, dt, cr = fig.get("load", {}), fig.get("bad_data", {}), fig.get("crash", {})
    cf = fig.get("config", {})
    rs = fig.get("resume", {})
    interruptions = rs.get("eval_runs", 0) + rs.get("infer_runs", 0)
    categories = ", ".join(f"{k[len('category_'):]} {v}" for k, v in sorted(h.items()) if k.startswith("category_"))
    outcomes = ", ".join(f"{k[len('outcome_'):]} {v}" for k, v in sorted(h.items()) if k.startswith("outcome_"))
    statements = h.get("statements", 0)
    faults = (statements + ld.get("worker_kills", 0) + ld.get("hostile", 0) + dt.get("files", 0)
              + cr.get("runs_killed", 0) + interruptions)
    verdicts = (statements + b.get("verdicts", 0) + ld.get("requests", 0) + fz.get("comparator_inputs", 0))
    lines = [
        START,
        f"Produced by `{command}` on {datetime.date.today().isoformat()} ({os.cpu_count()} CPUs): {summary}.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| hostile statements tried (one by one, each fully checked) | {statements} ({categories}) |",
        f"| their outcomes | {outcomes} |",
        f"| slowest answer to a hostile statement (limit 1 s) | {h.get('max_seconds', '-')} s |",
        f"| workers stopped by the parent's backstop | {h.get('backstop_kills', 0)} |",
        f"| database checksums verified unchanged | {h.get('checksums_verified', 0)} |",
        f"| largest growth of the parent's peak memory per statement | {h.get('max_parent_peak_growth_mb', '-')} MB |",
        f"| corpus as one compare batch | {b.get('verdicts', 0)} verdicts in {b.get('batch_seconds', '-')} s |",
        f"| fuzzed inputs (hypothesis): extractor / comparator / sandbox | {fz.get('extractor_inputs', 0)} / "
        f"{fz.get('comparator_inputs', 0)} / {fz.get('sandbox_inputs', 0)} |",
        f"| load: callers x seconds | {ld.get('callers', 0)} x {ld.get('seconds', 0)} s |",
        f"| load: requests answered / answered right | {ld.get('requests', 0)} / {ld.get('verdicts_right', 0)} |",
        f"| load: workers SIGKILLed by the chaos thread / queries answered \"worker died\" | "
        f"{ld.get('worker_kills', 0)} / {ld.get('lost_to_worker_kill', 0)} |",
        f"| load: slow queries / timed out within limit + grace | {ld.get('slow_queries', 0)} / "
        f"{ld.get('timeouts_honoured', 0)} |",
        f"| load: lost / duplicated / crossed answers, leaked processes | {ld.get('lost', 0)} / "
        f"{ld.get('duplicated', 0)} / 0, {ld.get('leaked_processes', 0)} |",
        f"| broken dataset files, each with its documented error | {dt.get('documented_errors', 0)} of "
        f"{dt.get('files', 0)} (+ {dt.get('accepted', 0)} accepted: BOM) |",
        f"| enormous schema (2,001 tables, one of 2,000 columns) cut to 512 tokens | "
        f"{dt.get('max_schema_seconds', '-')} s |",
        f"| config mistakes tried / caught before anything loaded, each naming its field | {cf.get('mistakes', 0)} / "
        f"{cf.get('caught', 0)} (and {cf.get('one_message_fields', 0)} of them in one recipe: all in one message) |",
    ]
    if cr:
        lines += [
            f"| training runs SIGKILLed / resumed to the uninterrupted adapter | {cr.get('runs_killed', 0)} / "
            f"{cr.get('resumed_ok', 0)} (max weight difference {cr.get('max_adapter_diff', 0):.1e}) |",
            f"| of them, kills that left a half-written checkpoint (resume skipped it for the last complete one) | "
            f"{cr.get('partial_checkpoints_left', 0)} |",
        ]
    else:
        lines.append("| training runs SIGKILLed | not run (add `--slow`) |")
    if rs:
        lines += [
            f"| evaluation / inference runs interrupted (SIGINT {rs.get('sigint', 0)}, SIGKILL "
            f"{rs.get('sigkill', 0)}) and resumed to the uninterrupted report | {rs.get('eval_runs', 0)} / "
            f"{rs.get('infer_runs', 0)}, {rs.get('resumed_identical', 0)} identical |",
            f"| of their answers, on disk at the interruption / lost | {rs.get('answers_on_disk', 0)} / "
            f"{rs.get('answers_lost', 0)} |",
        ]
    else:
        lines.append("| evaluation and inference runs interrupted | not run (add `--slow`) |")
    lost = ld.get("lost", 0) + rs.get("answers_lost", 0)
    lines += [
        f"| **faults injected** (hostile statements, worker kills, broken files, training kills, evaluation and "
        f"inference interruptions) | **{faults}** |",
        f"| **verdicts checked** | **{verdicts}** |",
        f"| **data lost** | **{lost}** |",
        END,
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--slow", action="store_true", help="also run the crash-recovery and resume tests (minutes)")
    ap.add_argument("--load-seconds", type=float, default=30.0, help="duration of the load test")
    ap.add_argument("--out", default=str(REPO / "RELIABILITY.md"), help="page to update")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        figures.touch()
        code, summary = run_tests(FAST + (SLOW if args.slow else []), args.slow, args.load_seconds, figures)
        fig = summarize(figures.read_text().splitlines())
    if code != 0:
        print(f"reliability: tests failed ({summary}); {args.out} not updated", file=sys.stderr)
        return 1
    command = "python benchmarks/reliability.py" + (" --slow" if args.slow else "") + \
        (f" --load-seconds {args.load_seconds:g}" if args.load_seconds != 30.0 else "")
    block = render(fig, summary, command)
    config = fig.get("config", {})
    print(f"reliability: {config.get('caught', 0)} of {config.get('mistakes', 0)} config mistakes caught "
          "before loading")
    out = Path(args.out)
    page = out.read_text() if out.is_file() else f"# Reliability\n\n{START}\n{END}\n"
    if START not in page or END not in page:
        page += f"\n{START}\n{END}\n"
    page = page[: page.index(START)] + block + page[page.index(END) + len(END):]
    out.write_text(page)
    print(block)
    print(f"reliability: figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
