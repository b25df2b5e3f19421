"""`make bench`: the benchmarks that write docs/benchmarks.md (BENCH_ARGS are passed to the member bench)."""

import sys


def main(argv: list[str]) -> None:
    from bench import members, pages, signin

    members.main(argv)
    signin.main([])
    pages.main([])


if __name__ == "__main__":
    main(sys.argv[1:])
