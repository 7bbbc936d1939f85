"""``icpdesk scan URL``: check one website the way the desk's weekly scan does.

Prints ``{"url", "pages", "findings": [{"code", "severity", "message", "evidence": {"url",
"excerpt"}}]}`` (``--format json``) or one line per finding. Exit 0 when the site was
scanned, whatever it found (an unreachable site is a finding); 2 for an address the
desk refuses to connect to (loopback, private and the like) or bad input, with the
reason on stderr. No database: the states of license numbers are not looked up.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan a website for the inspector's findings",
        description=(
            "Read a site's home page and the same-site pages it links to (two levels, at most 30 pages) "
            "and report what an inspector would: unreachable, no_https, license_not_displayed, "
            "license_mismatch, filing_not_displayed, filing_mismatch, privacy_policy_missing, "
            "out_of_scope_finance, prohibited_content, server_outside_mainland, trading_modules_missing. "
            "Exit 0 when scanned, 2 for a refused address or bad input."
        ),
    )
    parser.add_argument(
        "url", metavar="URL", help="the site, e.g. https://shop.example.cn/ or shop.example.cn"
    )
    parser.add_argument(
        "--license", default="", metavar="N", help="the license number it must show (甘B2-20240001)"
    )
    parser.add_argument("--filing", default="", metavar="F", help="the ICP filing number it must show")
    parser.add_argument("--trading", action="store_true", help="the site is licensed as a trading platform")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--lang",
        type=str.lower,
        choices=("zh-hans", "zh", "en"),
        default="zh-hans",
        help="language of messages",
    )
    parser.add_argument("--max-pages", type=int, default=30, help="pages to read at most (default 30)")
    parser.add_argument("--depth", type=int, default=2, help="link levels below the home page (default 2)")
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between requests to the host (default 1)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    parser.set_defaults(func=handler)


def _fail(args: argparse.Namespace, code: str, reason: str) -> int:
    if args.format == "json":
        print(json.dumps({"url": args.url, "error": code, "reason": reason}, ensure_ascii=False))
    print(reason, file=sys.stderr)
    return 2


def handler(args: argparse.Namespace) -> int:
    from icpdesk.core import sitecheck
    from icpdesk.lib import netguard
    from icpdesk.monitoring import fetch

    lang = "en" if args.lang == "en" else "zh-hans"
    try:
        license_number = sitecheck.canonical_license(args.license) if args.license else ""
        filing = sitecheck.canonical_filing(args.filing) if args.filing else ""
    except sitecheck.IdentifierError as error:
        return _fail(args, "invalid_input", error.message(lang))
    for name in ("max_pages", "depth"):
        if not 0 <= getattr(args, name) <= 1000:
            return _fail(args, "invalid_input", f"--{name.replace('_', '-')}: 0–1000")
    if not 0 <= args.pause <= 60 or not 0 < args.timeout <= 120:
        return _fail(args, "invalid_input", "--pause: 0–60, --timeout: 0–120")
    options = fetch.ScanOptions(
        max_pages=max(1, args.max_pages), max_depth=args.depth, pause=args.pause, timeout=args.timeout
    )
    try:
        evidence = fetch.run(args.url, options)
    except netguard.AddressRefused as error:
        return _fail(args, f"refused.{error.code}", error.message(lang))
    except (ValueError, TypeError) as error:  # an address httpx cannot parse
        return _fail(args, "invalid_input", str(error)[:200])
    expect = sitecheck.Expectations(
        license_number=license_number, filing_number=filing, trading_platform=args.trading
    )
    findings = sitecheck.analyse(evidence, expect)
    payload = {
        "url": evidence.start_url,
        "pages": [page.url for page in evidence.pages],
        "findings": [
            {
                "code": f.code,
                "severity": str(f.severity),
                "message": f.message(lang),
                "message_code": f.message_code,
                "evidence": {"url": f.url, "excerpt": f.excerpt},
            }
            for f in findings
        ],
    }
    if args.format == "json":
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(f"{evidence.start_url}: {len(evidence.pages)} page(s), {len(findings)} finding(s)")
    for f in findings:
        print(f"{f.code} [{f.severity}] {f.message(lang)}")
        print(f"    {f.url}" + (f"  «{f.excerpt}»" if f.excerpt else ""))
    return 0
