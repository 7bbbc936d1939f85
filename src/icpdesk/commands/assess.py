"""``icpdesk assess``: eligibility of one profile, or of a JSON-lines batch.

Pure: no Django, no database. Exit codes: 0 assessed (whatever the verdict,
unless ``--fail-on-ineligible``: then 1 when a verdict is ``not_eligible``),
2 for a malformed profile or bad usage (in a batch, after every line is done).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import orjson

from icpdesk.core.rules import (
    Assessment,
    ProfileError,
    RulePack,
    assess,
    available_packs,
    load_pack,
    normalize_lang,
    parse_profile,
)

EXIT_OK = 0
EXIT_INELIGIBLE = 1
EXIT_MALFORMED = 2

_MARKS = {"pass": "✔", "fail": "✘", "unknown": "?"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="assess an enterprise profile against a rule pack",
        description=(
            "Assess an enterprise profile (JSON, see docs/profile.md) against the eligibility rules of a "
            "rule pack. With --batch, read one profile a line (JSON lines; '-' for stdin) and write one "
            "JSON result a line. Exit 0 when assessed (any verdict), 2 when a profile is malformed."
        ),
    )
    parser.add_argument("profile", nargs="?", metavar="PROFILE.json", help="the profile to assess")
    parser.add_argument(
        "--batch", metavar="PROFILES.jsonl", help="assess one profile a line ('-' reads stdin)"
    )
    parser.add_argument(
        "--rules",
        default="gansu",
        choices=available_packs(),
        help="rule pack (default gansu)",
    )
    parser.add_argument(
        "--on",
        type=_iso_date,
        metavar="DATE",
        help="assessment date YYYY-MM-DD (overrides the profile's assessed_on; default today)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default text; --batch always writes JSON lines)",
    )
    parser.add_argument("--lang", choices=("zh-hans", "en"), default="zh-hans", help="language of the texts")
    parser.add_argument(
        "--fail-on-ineligible",
        action="store_true",
        help="exit 1 when a verdict is not_eligible (for scripts)",
    )
    parser.add_argument(
        "--agency", metavar="NAME|ID", help="assess every client of this agency from the stored profiles"
    )
    parser.set_defaults(func=handler, _parser=parser)


def _iso_date(value: str) -> date:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"invalid date {value!r} (expected YYYY-MM-DD)")


def handler(args: argparse.Namespace) -> int:
    if getattr(args, "agency", None):
        from icpdesk.bulk.cli import bulk_assess_command

        return bulk_assess_command(args)
    parser: argparse.ArgumentParser = args._parser
    if (args.profile is None) == (args.batch is None):
        parser.error("give either PROFILE.json or --batch PROFILES.jsonl")
    pack = load_pack(args.rules)
    lang = normalize_lang(args.lang)
    if args.batch is not None:
        # Bytes in and out: the lines go to the profile decoder undecoded and
        # the results come out of orjson as UTF-8.
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        write: Callable[[bytes], object] = (
            binary.write if binary is not None else lambda data: sys.stdout.write(data.decode())
        )
        if args.batch == "-":
            stdin = getattr(sys.stdin, "buffer", sys.stdin)
            counts = run_batch(stdin, write, pack, on=args.on, lang=lang)
        else:
            try:
                with open(args.batch, "rb") as source:
                    counts = run_batch(source, write, pack, on=args.on, lang=lang)
            except OSError as exc:
                print(f"icpdesk assess: {args.batch}: {exc.strerror}", file=sys.stderr)
                return EXIT_MALFORMED
        if binary is not None:
            binary.flush()
        sys.stdout.flush()
        assessed, errors, ineligible = counts
        if errors:
            print(f"icpdesk assess: {errors} malformed line(s), {assessed} assessed", file=sys.stderr)
            return EXIT_MALFORMED
        return EXIT_INELIGIBLE if args.fail_on_ineligible and ineligible else EXIT_OK
    return _single(Path(args.profile), pack, args.on, lang, args.format, args.fail_on_ineligible)


def _single(
    path: Path, pack: RulePack, on: date | None, lang: str, fmt: str, fail_on_ineligible: bool
) -> int:
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        print(f"icpdesk assess: {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_MALFORMED
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        print(f"icpdesk assess: {path}: {exc.field}: {exc.message(lang)}", file=sys.stderr)
        if fmt == "json":
            print(json.dumps({"error": exc.to_dict(lang)}, ensure_ascii=False))
        return EXIT_MALFORMED
    result = assess(profile, pack, on=on, lang=lang)
    if fmt == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(result, pack, lang))
    if fail_on_ineligible and result.verdict == "not_eligible":
        return EXIT_INELIGIBLE
    return EXIT_OK


def run_batch(
    lines: Iterable[str | bytes],
    write: Callable[[bytes], object],
    pack: RulePack,
    *,
    on: date | None = None,
    lang: str = "zh-hans",
) -> tuple[int, int, int]:
    """Assess JSON lines (bytes or text); write one compact UTF-8 JSON result a
    line (an error object for a malformed line) through ``write``, in chunks.
    Blank lines are skipped but counted. Returns ``(assessed, malformed, not_eligible)``."""
    lang = normalize_lang(lang)
    assessed = errors = ineligible = 0
    buffer: list[bytes] = []
    add = buffer.append
    for number, line in enumerate(lines, 1):
        if line.isspace() or not line:
            continue
        try:
            profile = parse_profile(line)
        except ProfileError as exc:
            errors += 1
            add(orjson.dumps({"line": number, "error": exc.to_dict(lang)}))
        else:
            result = assess(profile, pack, on=on, lang=lang)
            assessed += 1
            if result.verdict == "not_eligible":
                ineligible += 1
            add(result.to_json_bytes())
        if len(buffer) >= 512:
            add(b"")
            write(b"\n".join(buffer))
            buffer.clear()
    if buffer:
        add(b"")
        write(b"\n".join(buffer))
    return assessed, errors, ineligible


def render_text(result: Assessment, pack: RulePack, lang: str = "zh-hans", out: TextIO | None = None) -> str:
    """A readable report: one row per rule with ✔/✘/?, the message and the remedy."""
    en = lang == "en"
    verdicts = {
        "eligible": ("符合条件", "eligible"),
        "incomplete": ("信息不全，无法判断", "incomplete: information missing"),
        "not_eligible": ("不符合条件", "not eligible"),
    }
    rows: list[str] = []
    title = pack.name(lang)
    rows.append(f"{title} ({pack.id} {pack.version})")
    rows.append(("Assessed on " if en else "评估日期：") + result.assessed_on.isoformat())
    rows.append("")
    width = max(len(c.id) for c in result.checks) if result.checks else 10
    group = None
    for check in result.checks:
        if check.group != group:
            group = check.group
            try:
                rows.append(f"[{pack.group(group).name(lang)}]")
            except KeyError:
                rows.append(f"[{group}]")
        rows.append(f"  {_MARKS.get(check.status, '?')} {check.id.ljust(width)}  {check.message}")
        if check.remedy is not None:
            rows.append(f"    {' ' * width}  {'→ remedy: ' if en else '→ 整改：'}{check.remedy}")
    rows.append("")
    label = verdicts[result.verdict][1 if en else 0]
    rows.append(("Verdict: " if en else "结论：") + f"{label} ({result.verdict})")
    counts = {s: sum(1 for c in result.checks if c.status == s) for s in ("pass", "fail", "unknown")}
    rows.append(
        f"  ✔ {counts['pass']}  ✘ {counts['fail']}  ? {counts['unknown']}"
        + ("  (✔ pass, ✘ fail, ? unknown)" if en else "  （✔ 通过，✘ 不通过，? 信息缺失）")
    )
    rows.append("License types:" if en else "许可类型建议：")
    for code, reason in result.license_types:
        rows.append(f"  {code}: {reason}")
    text = "\n".join(rows) + "\n"
    if out is not None:
        out.write(text)
    return text
