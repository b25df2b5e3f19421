"""督查（抽查）轮次 (issue 11): the round, its checklist and sample of branches, inspectors, findings and
整改.

Pure rules live in `sampling` and `rules`; `services` reads and writes; `views` and `api`
render the same results."""
