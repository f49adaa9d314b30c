"""Take full-page screenshots of Engage pages in headless Chromium, signed in as a demo user.

    .venv/bin/python scripts/screenshot.py --as pem@engage.example /council/ /audit/ --out var/shots

Needs a running server (``make run``) and Debian's chromium. For looking at pages while
building them; the accessibility tests live in tests/quality/.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as", dest="email", default="")
    parser.add_argument("--password", default="engage-demo-2026")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        if args.email:
            page.goto(f"{args.base}/accounts/sign-in/")
            page.fill("input[name=username]", args.email)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
        for path in args.paths:
            page.goto(f"{args.base}{path}")
            name = re.sub(r"[^a-z0-9]+", "-", f"{args.email.split('@')[0]}-{path}".lower()).strip(
                "-"
            )
            target = out / f"{name or 'home'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target, page.title())
        browser.close()


if __name__ == "__main__":
    main()
