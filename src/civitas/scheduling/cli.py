"""``civitas-schedule``: solve, validate, import B2BSP data, generate synthetic events."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .dzn import DznError, load_dzn
from .generate import generate
from .greedy import greedy_solve
from .model import ValidationError, load_instance, read_json
from .solver import solve
from .validate import lock_assignments, validate_result


def _write(data: dict, out: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


def cmd_solve(args) -> int:
    data = read_json(args.instance)
    if args.keep:
        data = lock_assignments(data, read_json(args.keep))
    inst = load_instance(data)
    if args.greedy:
        result = greedy_solve(inst, break_scope=args.break_scope)
    else:
        result = solve(
            inst,
            time_limit=args.time_limit,
            work_limit=args.work_limit,
            break_scope=args.break_scope,
            progress=None if args.quiet else _progress,
        )
    _write(result, args.output)
    s = result["stats"]
    print(
        f"scheduled {s['scheduled']}, unscheduled {s['unscheduled']}, breaks {s['breaks']}, "
        f"{s['seconds']} s",
        file=sys.stderr,
    )
    return 0


def cmd_validate(args) -> int:
    report = validate_result(args.instance, read_json(args.result))
    print(json.dumps(report.stats, indent=1))
    if report.violations:
        print(f"{len(report.violations)} violation(s):", file=sys.stderr)
        for v in report.violations:
            print(f"- {v}", file=sys.stderr)
        return 1
    print("valid", file=sys.stderr)
    return 0


def cmd_import_dzn(args) -> int:
    _write(load_dzn(args.file), args.output)
    return 0


def cmd_generate(args) -> int:
    _write(
        generate(
            participants=args.participants,
            meetings=args.meetings,
            days=args.days,
            slots_per_session=args.slots_per_session,
            tables=args.tables,
            locations=args.locations,
            overload=args.overload,
            owners=args.owners,
            experts=args.experts,
            workshops=args.workshops,
            seed=args.seed,
        ),
        args.output,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civitas-schedule", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("solve", help="schedule the meetings of an instance")
    p.add_argument("instance")
    p.add_argument("-o", "--output", help="result file (default: stdout)")
    p.add_argument("--time-limit", type=float, default=60.0, help="wall-clock seconds")
    p.add_argument("--work-limit", type=float, default=10.0, help="deterministic effort budget")
    p.add_argument("--break-scope", choices=("session", "day"), default="session")
    p.add_argument(
        "--keep",
        metavar="RESULT.json",
        help="incremental mode: lock the meetings assigned in this previous result",
    )
    p.add_argument("--greedy", action="store_true", help="first-come-first-served baseline")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("validate", help="check a result against its instance")
    p.add_argument("instance")
    p.add_argument("result")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("import-dzn", help="convert B2BSP MiniZinc data to the JSON contract")
    p.add_argument("file")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_import_dzn)

    p = sub.add_parser("generate", help="synthetic event")
    p.add_argument("--participants", type=int, default=1500)
    p.add_argument("--meetings", type=int, default=3000)
    p.add_argument("--days", type=int, default=2)
    p.add_argument("--slots-per-session", type=int, default=9)
    p.add_argument("--tables", type=int, default=None, help="default: enough, with 30%% slack")
    p.add_argument("--locations", type=int, default=1)
    p.add_argument("--overload", type=float, default=0.0, help="extra requests (fraction)")
    p.add_argument("--owners", type=float, default=0.02, help="share owning a table")
    p.add_argument("--experts", type=float, default=0.02, help="share with a quota")
    p.add_argument("--workshops", type=float, default=0.15, help="share in a workshop")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (DznError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
