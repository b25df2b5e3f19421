"""`make bench`: the benchmarks that write docs/benchmarks.md (BENCH_ARGS are passed to the member bench)."""

import sys


def main(argv: list[str]) -> None:
    from bench import members, signin

    members.main(argv)
    signin.main([])


if __name__ == "__main__":
    main(sys.argv[1:])
