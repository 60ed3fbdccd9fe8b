"""`make mutate`: the RTL mutation harness (docs/design.md "Mutation harness (issue 13)"). It generalises the
planted `BUG=` switches: a list of small RTL changes (mutations.toml), each built as its own model from a
patched copy of rtl/ and run against make test's positive simulation tests until one fails.

One concern per module:
  catalogue  the list: loading, checking that every snippet matches once, applying one to a scratch copy
  plan       the tests: the positive simulation tests (pytest markers), the baseline, the order
  job        one mutant (or one baseline test) in a Parsl worker: build, run fail-fast, write result.json
  report     verdicts (killed/survived/equivalent/invalid), the kill table (HTML), JUnit, the console summary
  cli        `python -m lacosim.mutate`: ties them together through lacosim.regress.engine
"""
