"""The offline start of two checkouts, measured alternately in one sitting.

    git worktree add /tmp/before d54a625
    .venv/bin/python bench/pwa_compare.py /tmp/before . [--runs 15]

The target for a machine slower than the one it was written on is relative: the offline
start at most 0.8x that of d54a625 measured there in the same sitting. This machine's speed
drifts within minutes, so two runs of bench/pwa.py one after the other can differ by more than
the effect measured. Here a gunicorn server runs from each checkout (one shared database: the
schemas are the same), each gets its own phone-sized browser context (its own service worker
and storage), and the opens alternate, so drift touches both alike. Each open is timed as in
bench/pwa.py (navigation to the checklist ready, the unlock and the script's typing included),
and split at the lock screen's appearance and the click on Unlock.
"""
import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import SECRET, free_port, prepare_database
from playwright.sync_api import sync_playwright
from pwa import PASSWORD, PHONE, draft_offline, launch, open_once
from tests.waiting import stop_process, wait_for_http

# When the passcode field first appears: the lock screen is drawn.
LOCK_SHOWN = """(() => {
  new MutationObserver(() => {
    if (!window.lockShown && document.getElementById('passcode')) window.lockShown = performance.now();
  }).observe(document, { subtree: true, childList: true });
})();"""


def serve(tree: Path, database: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": SECRET, "SAFEVISIT_ENV": "production",
           "SAFEVISIT_SECURE_COOKIES": "0", "PYTHONPATH": str(tree)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--no-control-socket", "wsgi:app"],
        cwd=tree, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/health", process=process)
    except BaseException:
        stop_process(process, group=True)
        raise
    return process, base


def phone(browser, base: str):
    """A phone-sized context with a draft, offline; returns it and the draft's address."""
    context = browser.new_context(base_url=base, **PHONE)
    context.add_init_script(LOCK_SHOWN)
    page = context.new_page()
    page.goto("/login")
    return context, draft_offline(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the checkout to compare with (e.g. a worktree of d54a625)")
    parser.add_argument("after", type=Path, help="the checkout measured (e.g. .)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    trees = [args.before.resolve(), args.after.resolve()]

    database = prepare_database(None, [("bench-worker", "field_worker", "North")], PASSWORD)
    servers = []
    try:
        for tree in trees:
            servers.append(serve(tree, database))
        with sync_playwright() as playwright:
            browser = launch(playwright)
            phones = [phone(browser, base) for _, base in servers]
            runs = [[], []]
            for _ in range(args.runs):
                for (context, url), times in zip(phones, runs):
                    times.append(open_once(context, url))
            browser.close()
    finally:
        for process, _ in servers:
            stop_process(process, group=True)

    medians = []
    for tree, times in zip(trees, runs):
        median = {key: statistics.median(t[key] for t in times) for key in ("lock", "clicked", "ready")}
        medians.append(median["ready"])
        print(f"{tree}: offline start median {median['ready']:.0f} ms (lock screen drawn at "
              f"{median['lock']:.0f} ms, Unlock clicked at {median['clicked']:.0f} ms; {args.runs} runs)")
    print(f"ratio after ÷ before: {medians[1] / medians[0]:.2f} (target ≤ 0.8 on a machine slower "
          "than 2026-11-28's)")


if __name__ == "__main__":
    main()
