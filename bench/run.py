"""`make bench`: the benchmarks that write docs/benchmarks.md (BENCH_ARGS are passed on)."""

import sys


def main(argv: list[str]) -> None:
    from bench import members

    members.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
